/**
 * Image classification, the trainer's task kind 'image-classification': `trainImageClassifier(model, data, options)`
 * fine-tunes a ViT classifier's trainable variables (full, head-only after `freeze`, or LoRA) on an `ImageDataset`,
 * read top to bottom:
 *   for each epoch: seeded shuffle → stream batches from disk (augmented) → cross-entropy → clip → AdamW at the
 *   schedule's rate → evaluate on evalData (accuracy, loss) → log one row per epoch
 * Interrupts (kernel stop button, options.signal) are honoured between batches; the model keeps what it learned.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { currentSignal } from '../runtime/kernelBridge';
import type { ImageDataset } from '../vision/imageDataset';
import { clipByGlobalNorm } from './gradients';
import { classificationLossSum } from './loss';
import { argmaxRows } from './metrics';
import { AdamW } from './optim';
import { TrainingProgress } from './progress';
import { Rng } from './rng';
import { createSchedule, warmupStepsFromRatio, type ScheduleKind } from './schedule';
import { withSeededRandom } from './seededRandom';
import { TrainerError } from './trainerError';
import { assertTrainingFits, memoryLimit } from './memoryLimit';

export interface ImageTrainOptions {
  /** Passes over the data; default 3. */
  epochs?: number;
  /** Default 16. */
  batchSize?: number;
  /** Peak learning rate; default 1e-3. */
  learningRate?: number;
  /** AdamW decoupled weight decay (not on biases and norms); default 0. */
  weightDecay?: number;
  schedule?: ScheduleKind;
  warmupRatio?: number;
  /** Clip gradients to this global norm; default 1 (0 or Infinity: off). */
  maxGradNorm?: number;
  /** Shuffling and dropout seed; default 42. */
  seed?: number;
  /** Evaluated after every epoch. */
  evalData?: ImageDataset;
  /** Use the training set's augmentation; default true. */
  augment?: boolean;
  /** Live progress bar in the cell; default true. */
  progress?: boolean;
  title?: string;
  signal?: AbortSignal;
  /** Called after each epoch with its row. */
  onEpoch?: (row: ImageEpochLog) => void;
}

export interface ImageEpochLog {
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  trainAccuracy: number;
  evalLoss?: number;
  evalAccuracy?: number;
  /** Training time of this epoch (evaluation excluded). */
  seconds: number;
}

export interface ImageTrainResult {
  task: 'image-classification';
  status: 'completed' | 'interrupted';
  epochs: ImageEpochLog[];
  steps: number;
  trainTimeMs: number;
  wallTimeMs: number;
  trainableParams: number;
  totalParams: number;
  labelNames: string[];
}

export interface ImageEvalResult {
  loss: number;
  accuracy: number;
  predictions: number[];
}

export async function trainImageClassifier(model: Model, data: ImageDataset, options: ImageTrainOptions = {}): Promise<ImageTrainResult> {
  const startedAt = performance.now();
  const epochs = positiveInt('epochs', options.epochs ?? 3);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 16);
  const seed = options.seed ?? 42;
  checkModel(model, data);
  if (options.evalData) checkModel(model, options.evalData);
  const variables = model.trainableVariables();
  if (variables.length === 0) throw new TrainerError('the model has no trainable parameters (everything is frozen); unfreeze some with unfreeze(model, selector)');
  assertTrainingFits(model, { batchSize: Math.max(1, Math.min(batchSize, data.length)) }, memoryLimit());

  const stepsPerEpoch = Math.ceil(data.length / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const learningRate = options.learningRate ?? 1e-3;
  const schedule = createSchedule({
    kind: options.schedule ?? 'linear',
    learningRate,
    warmupSteps: warmupStepsFromRatio(options.warmupRatio ?? 0, totalSteps),
    totalSteps,
  });
  const optimizer = new AdamW({ lr: learningRate, weightDecay: options.weightDecay ?? 0, noDecay: 'bias-and-norm' });
  const dropoutRng = Rng.fromSeed(seed);
  const stop = () => options.signal?.aborted === true || currentSignal()?.aborted === true;
  const progress = (options.progress ?? true) ? new TrainingProgress({ totalSteps, title: options.title ?? 'Image fine-tuning' }) : undefined;
  const rows: ImageEpochLog[] = [];
  let step = 0;
  let trainTimeMs = 0;
  let status: ImageTrainResult['status'] = 'completed';

  try {
    for (let epoch = 0; epoch < epochs && status === 'completed'; epoch++) {
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let epochMs = 0;
      for await (const batch of data.batches(batchSize, { shuffle: true, epoch: seed + epoch, augment: options.augment ?? true })) {
        if (stop()) {
          batch.pixels.dispose();
          status = 'interrupted';
          break;
        }
        const began = performance.now();
        const lr = schedule.lrAt(step);
        optimizer.learningRate = lr;
        let logits: tf.Tensor | undefined;
        const { value, grads } = withSeededRandom(dropoutRng, () =>
          tf.variableGrads(() => {
            const out = model.logits(batch.pixels, { training: true }); // [B, numLabels]
            logits = tf.keep(out);
            return tf.div(classificationLossSum(out, batch.labels), batch.labels.length) as tf.Scalar;
          }, variables),
        );
        try {
          const loss = value.dataSync()[0];
          if (!Number.isFinite(loss)) throw new TrainerError(`the loss became ${loss} at step ${step + 1}; lower the learning rate`);
          clipByGlobalNorm(grads, options.maxGradNorm ?? 1);
          optimizer.applyGradients(grads);
          const predicted = argmaxRows(logits!.dataSync(), logits!.shape[1]!);
          correct += predicted.filter((p, i) => p === batch.labels[i]).length;
          lossSum += loss * batch.labels.length;
          seen += batch.labels.length;
        } finally {
          tf.dispose([value, batch.pixels, ...(logits ? [logits] : []), ...Object.values(grads)]);
        }
        step++;
        epochMs += performance.now() - began;
        progress?.update({ step, loss: lossSum / seen, learningRate: lr, epoch: epoch + (seen / data.length) });
        await nextTurn();
      }
      trainTimeMs += epochMs;
      if (status !== 'completed' || seen === 0) break;
      const row: ImageEpochLog = { epoch: epoch + 1, loss: lossSum / seen, trainAccuracy: correct / seen, seconds: epochMs / 1000 };
      if (options.evalData) {
        const result = await evaluateImageClassifier(model, options.evalData, { batchSize, signal: options.signal });
        if (result === undefined) {
          status = 'interrupted';
          break;
        }
        row.evalLoss = result.loss;
        row.evalAccuracy = result.accuracy;
        progress?.logEval(step, { eval_loss: result.loss, eval_accuracy: result.accuracy });
      }
      rows.push(row);
      options.onEpoch?.(row);
    }
    progress?.finish(status === 'interrupted' ? 'interrupted' : 'done');
  } catch (error) {
    progress?.finish('failed');
    throw error;
  } finally {
    optimizer.dispose();
  }
  let trainable = 0;
  let total = 0;
  for (const v of model.params.values()) {
    total += v.size;
    if (v.trainable) trainable += v.size;
  }
  return {
    task: 'image-classification',
    status,
    epochs: rows,
    steps: step,
    trainTimeMs,
    wallTimeMs: performance.now() - startedAt,
    trainableParams: trainable,
    totalParams: total,
    labelNames: [...data.labelNames],
  };
}

/** Mean cross-entropy and accuracy over a dataset (no augmentation, no dropout); undefined when interrupted. */
export async function evaluateImageClassifier(
  model: Model,
  data: ImageDataset,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<ImageEvalResult | undefined> {
  checkModel(model, data);
  let lossSum = 0;
  let correct = 0;
  const predictions: number[] = [];
  for await (const batch of data.batches(positiveInt('batchSize', options.batchSize ?? 32))) {
    if (options.signal?.aborted === true || currentSignal()?.aborted === true) {
      batch.pixels.dispose();
      return undefined;
    }
    const [loss, logits] = tf.tidy(() => {
      const out = model.logits(batch.pixels);
      return [classificationLossSum(out, batch.labels).dataSync()[0], out.dataSync()] as const;
    });
    const numLabels = logits.length / batch.labels.length;
    batch.pixels.dispose();
    const predicted = argmaxRows(logits, numLabels);
    predicted.forEach((p, i) => {
      predictions.push(p);
      if (p === batch.labels[i]) correct++;
    });
    lossSum += loss;
    await nextTurn();
  }
  return { loss: lossSum / data.length, accuracy: correct / data.length, predictions };
}

function checkModel(model: Model, data: ImageDataset): void {
  if (model.modelType !== 'vit') throw new TrainerError(`image classification needs a ViT model, got a ${model.modelType} (${model.architecture})`);
  const numLabels = Number(model.config.num_labels ?? Object.keys(model.config.id2label ?? {}).length);
  if (model.architecture !== 'ViTForImageClassification' && !('numLabels' in model)) {
    throw new TrainerError(`the ${model.architecture} model has no classification head; load it with { numLabels } or add one with addClassificationHead`);
  }
  const headSize = 'numLabels' in model ? (model as { numLabels: number }).numLabels : numLabels;
  if (headSize !== data.labelNames.length) {
    throw new TrainerError(
      `the model's classification head has ${headSize} labels but the data has ${data.labelNames.length} (${data.labelNames.join(', ')}); load it with { id2label: data.id2label } to replace the head`,
    );
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new TrainerError(`option ${name} must be an integer >= 1, got ${JSON.stringify(v)}`);
  return v;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
