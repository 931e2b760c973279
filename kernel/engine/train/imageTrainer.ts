/**
 * Image classification, the trainer's task kind 'image-classification': `trainImageClassifier(model, data, options)`
 * fine-tunes a ViT classifier's trainable variables (full, head-only after `freeze`, or LoRA) on an `ImageDataset`,
 * read top to bottom:
 *   for each epoch: seeded shuffle → stream batches from disk (augmented) → cross-entropy → clip → AdamW at the
 *   schedule's rate → evaluate on evalData (accuracy, loss) → log one row per epoch
 * Built on the training loop (loop.ts): interrupts (kernel stop button, options.signal) are honoured between
 * batches, and the model keeps what it learned.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import type { ImageDataset } from '../vision/imageDataset';
import { classificationLossSum } from './loss';
import { argmaxRows } from './metrics';
import { runTrainingLoop, type TrainingLoopOptions } from './loop';
import { Rng } from './rng';
import { createSchedule, warmupStepsFromRatio, type ScheduleKind } from './schedule';
import { nextTurn, stopRequested } from './stopping';
import { TrainerError } from './trainerError';
import { positiveInt } from './trainOptions';

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

export async function trainImageClassifier(
  model: Model,
  data: ImageDataset,
  options: ImageTrainOptions = {},
): Promise<ImageTrainResult> {
  const startedAt = performance.now();
  const epochs = positiveInt('epochs', options.epochs ?? 3);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 16);
  const seed = options.seed ?? 42;
  checkModel(model, data);
  if (options.evalData) checkModel(model, options.evalData);
  const variables = model.trainableVariables();

  const stepsPerEpoch = Math.ceil(data.length / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const learningRate = options.learningRate ?? 1e-3;
  const schedule = createSchedule({
    kind: options.schedule ?? 'linear',
    learningRate,
    warmupSteps: warmupStepsFromRatio(options.warmupRatio ?? 0, totalSteps),
    totalSteps,
  });
  const dropoutRng = Rng.fromSeed(seed);
  const loopOptions: TrainingLoopOptions = {
    model,
    variables,
    optimizer: { lr: learningRate, weightDecay: options.weightDecay ?? 0, noDecay: 'bias-and-norm' },
    progress: (options.progress ?? true) ? { totalSteps, title: options.title ?? 'Image fine-tuning' } : undefined,
    signal: options.signal,
    maxGradNorm: options.maxGradNorm ?? 1,
    what: 'trainImageClassifier()',
    memory: { batchSize: Math.max(1, Math.min(batchSize, data.length)) },
  };

  const run = await runTrainingLoop(loopOptions, async (loop) => {
    const progress = loop.progress;
    const rows: ImageEpochLog[] = [];
    let step = 0;
    let trainTimeMs = 0;
    let status: ImageTrainResult['status'] = 'completed';
    for (let epoch = 0; epoch < epochs && status === 'completed'; epoch++) {
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let epochMs = 0;
      for await (const batch of data.batches(batchSize, {
        shuffle: true,
        epoch: seed + epoch,
        augment: options.augment ?? true,
      })) {
        if (loop.stopRequested) {
          batch.pixels.dispose();
          status = 'interrupted';
          break;
        }
        const began = performance.now();
        const lr = schedule.lrAt(step);
        const numLabels = data.labelNames.length;
        try {
          const { loss, report: logits } = await loop.stepAsync(
            () => {
              const out = model.logits(batch.pixels, { training: true }); // [B, numLabels]
              return {
                loss: tf.div(classificationLossSum(out, batch.labels), batch.labels.length) as tf.Scalar,
                report: out,
              };
            },
            { learningRate: lr, rng: dropoutRng },
          );
          const predicted = argmaxRows(logits!, numLabels);
          correct += predicted.filter((p, i) => p === batch.labels[i]).length;
          lossSum += loss * batch.labels.length;
          seen += batch.labels.length;
        } finally {
          batch.pixels.dispose();
        }
        step++;
        epochMs += performance.now() - began;
        progress?.update({ step, loss: lossSum / seen, learningRate: lr, epoch: epoch + seen / data.length });
        await loop.nextTurn();
      }
      trainTimeMs += epochMs;
      if (status !== 'completed' || seen === 0) break;
      const row: ImageEpochLog = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        trainAccuracy: correct / seen,
        seconds: epochMs / 1000,
      };
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
    return { rows, step, trainTimeMs, status };
  });
  let trainable = 0;
  let total = 0;
  for (const v of model.params.values()) {
    total += v.size;
    if (v.trainable) trainable += v.size;
  }
  return {
    task: 'image-classification',
    status: run.status,
    epochs: run.rows,
    steps: run.step,
    trainTimeMs: run.trainTimeMs,
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
    if (stopRequested(options.signal)) {
      batch.pixels.dispose();
      return undefined;
    }
    const lossAndLogits = tf.tidy(() => {
      const out = model.logits(batch.pixels);
      return tf.concat([tf.reshape(classificationLossSum(out, batch.labels), [1]), tf.reshape(out, [-1])]);
    });
    batch.pixels.dispose();
    let values: Float32Array;
    try {
      values = (await lossAndLogits.data()) as Float32Array;
    } finally {
      lossAndLogits.dispose();
    }
    const loss = values[0];
    const logits = values.subarray(1);
    const numLabels = logits.length / batch.labels.length;
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
  if (model.modelType !== 'vit')
    throw new TrainerError(`image classification needs a ViT model, got a ${model.modelType} (${model.architecture})`);
  const numLabels = Number(model.config.num_labels ?? Object.keys(model.config.id2label ?? {}).length);
  if (model.architecture !== 'ViTForImageClassification' && !('numLabels' in model)) {
    throw new TrainerError(
      `the ${model.architecture} model has no classification head; load it with { numLabels } or add one with addClassificationHead`,
    );
  }
  const headSize = 'numLabels' in model ? (model as { numLabels: number }).numLabels : numLabels;
  if (headSize !== data.labelNames.length) {
    throw new TrainerError(
      `the model's classification head has ${headSize} labels but the data has ${data.labelNames.length} (${data.labelNames.join(', ')}); load it with { id2label: data.id2label } to replace the head`,
    );
  }
}
