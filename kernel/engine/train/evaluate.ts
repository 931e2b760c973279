/**
 * Evaluation on held-out data: the mean loss (per example for classification, per predicted token for causal
 * LM) plus accuracy and F1 (binary for two labels, macro otherwise) or perplexity. Metric names carry the
 * `eval_` prefix, as Hugging Face's Trainer reports them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { batchLoss, makeBatch } from './batches';
import { accuracy, argmaxRows, f1Score, perplexity } from './metrics';
import { nextTurn, stopRequested } from './stopping';
import { padTokenIdFor, prepareData, type PreparedData, type TrainData } from './trainData';
import { TrainerError } from './trainerError';
import type { TrainTask } from './trainOptions';

export type EvalMetrics = Record<string, number>;

export interface EvaluateOptions {
  task?: TrainTask;
  /** Default 8. */
  batchSize?: number;
  padTokenId?: number;
  maxLength?: number;
  labels?: readonly string[];
  signal?: AbortSignal;
}

/** Evaluates `model` on `data` ({text,label}, {prompt,completion}, encoded examples, ... as `train` takes). */
export async function evaluate(model: Model, data: TrainData, options: EvaluateOptions = {}): Promise<EvalMetrics> {
  const prepared = prepareData(model, data, {
    task: options.task,
    maxLength: options.maxLength,
    labels: options.labels,
    what: 'data',
  });
  const batchSize = options.batchSize ?? 8;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new TrainerError(`option batchSize must be an integer >= 1, got ${batchSize}`);
  const stop = () => stopRequested(options.signal);
  const metrics = await evaluatePrepared(model, prepared, batchSize, padTokenIdFor(model, options.padTokenId), stop);
  if (!metrics) throw new TrainerError('evaluation was interrupted');
  return metrics;
}

/** Undefined when `shouldStop` turned true before the end. */
export async function evaluatePrepared(
  model: Model,
  data: PreparedData,
  batchSize: number,
  padTokenId: number,
  shouldStop: () => boolean,
): Promise<EvalMetrics | undefined> {
  let lossSum = 0;
  let count = 0;
  const predictions: number[] = [];
  const truth: number[] = [];
  let numLabels = 0;
  for (let start = 0; start < data.examples.length; start += batchSize) {
    if (shouldStop()) return undefined;
    const indices = Array.from({ length: Math.min(batchSize, data.examples.length - start) }, (_, i) => start + i);
    const batch = makeBatch(data, indices, padTokenId);
    const [loss, logits] = tf.tidy(() => {
      const out = batchLoss(model, batch, false);
      return [out.lossSum, batch.classLabels ? out.logits : tf.scalar(0)];
    });
    lossSum += (await loss.data())[0];
    count += batch.count;
    if (batch.classLabels) {
      numLabels = logits.shape[1] as number;
      predictions.push(...argmaxRows(await logits.data(), numLabels));
      truth.push(...batch.classLabels);
    }
    tf.dispose([loss, logits]);
    await nextTurn();
  }
  const evalLoss = count === 0 ? NaN : lossSum / count;
  if (data.task === 'causal-lm') return { eval_loss: evalLoss, eval_perplexity: perplexity(evalLoss) };
  const f1 =
    numLabels === 2
      ? f1Score(truth, predictions, { average: 'binary', posLabel: 1 })
      : f1Score(truth, predictions, { average: 'macro' });
  return { eval_loss: evalLoss, eval_accuracy: accuracy(truth, predictions), eval_f1: f1 };
}
