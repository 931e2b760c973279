/** Padded micro-batches for a task, and the summed loss of the model on one. */
import type * as tf from '@tensorflow/tfjs-core';
import { collateCausalLm, collateClassification } from '../data/collate';
import type { Model } from '../models/model';
import { causalLmLossSum, classificationLossSum, countLmTargets } from './loss';
import type { PreparedData } from './trainData';

export interface MicroBatch {
  inputIds: number[][]; // [B, T]
  attentionMask: number[][]; // [B, T]
  /** Classification: class ids [B]. */
  classLabels?: number[];
  /** Causal LM: labels [B, T] (IGNORE_INDEX skipped). */
  lmLabels?: number[][];
  /** What the loss sum is divided by: examples (classification) or predicted tokens (causal LM). */
  count: number;
  /** Non-padding tokens. */
  tokens: number;
  size: number;
}

export function makeBatch(data: PreparedData, indices: readonly number[], padTokenId: number): MicroBatch {
  if (data.task === 'classification') {
    const b = collateClassification(
      indices.map((i) => data.examples[i]),
      { padTokenId },
    );
    return {
      inputIds: b.inputIds,
      attentionMask: b.attentionMask,
      classLabels: b.labels,
      count: indices.length,
      tokens: countTokens(b.attentionMask),
      size: indices.length,
    };
  }
  const b = collateCausalLm(
    indices.map((i) => data.examples[i]),
    { padTokenId },
  );
  return {
    inputIds: b.inputIds,
    attentionMask: b.attentionMask,
    lmLabels: b.labels,
    count: countLmTargets(b.labels),
    tokens: countTokens(b.attentionMask),
    size: indices.length,
  };
}

/** Forward pass and summed loss; call inside a tidy. Also returns the logits (for metrics). */
export function batchLoss(
  model: Model,
  batch: MicroBatch,
  training: boolean,
): { lossSum: tf.Scalar; logits: tf.Tensor } {
  const logits = model.logits(batch.inputIds, { attentionMask: batch.attentionMask, training });
  const lossSum = batch.classLabels
    ? classificationLossSum(logits, batch.classLabels)
    : causalLmLossSum(logits, batch.lmLabels!);
  return { lossSum, logits };
}

function countTokens(mask: number[][]): number {
  let n = 0;
  for (const row of mask) for (const m of row) n += m;
  return n;
}
