/**
 * Training losses, as sums over the counted targets so a caller can normalise a whole
 * gradient-accumulation window by its total count (examples or predicted tokens):
 *   classification  cross-entropy of logits [B, C] against class ids [B]
 *   causal LM       next-token cross-entropy of logits [B, T, V] against labels [B, T] shifted left by one,
 *                   positions labelled IGNORE_INDEX (-100) skipped, as PyTorch's `ignore_index`.
 * Call inside a tidy (the trainer calls them inside tf.variableGrads).
 */
import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX } from '../data/encode/causalLm';

/**
 * Sum of -log softmax(logits)[target] over rows with weight 1; logits [N, V], one target and weight per row.
 * The target logit is picked with a one-hot mask rather than a gather: gather's gradient is UnsortedSegmentSum,
 * which the tfjs cpu backend runs as one op per segment (here N·V of them).
 */
export function crossEntropySum(
  logits: tf.Tensor2D,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
): tf.Scalar {
  const [N, V] = logits.shape;
  const picks = new Int32Array(N);
  const mask = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const counted = weights[i] !== 0;
    picks[i] = counted ? targets[i] : -1; // -1: an all-zero one-hot row
    mask[i] = counted ? weights[i] : 0;
  }
  const logNormalizer = tf.logSumExp(logits, 1); // [N]
  // int32 one-hot then cast: tfjs-backend-wasm 4.22's OneHot writes int bit patterns into a float32 output
  const oneHot = tf.cast(tf.oneHot(tf.tensor1d(picks, 'int32'), V), 'float32'); // [N, V]
  const picked = tf.sum(tf.mul(logits, oneHot), 1); // [N]
  return tf.sum(tf.mul(tf.sub(logNormalizer, picked), tf.tensor1d(mask))) as tf.Scalar;
}

/** logits [B, C], labels [B] class ids → summed cross-entropy (count = B). */
export function classificationLossSum(logits: tf.Tensor, labels: readonly number[]): tf.Scalar {
  const [B, C] = logits.shape;
  if (logits.rank !== 2 || B !== labels.length) {
    throw new RangeError(
      `classification logits must be [${labels.length}, numLabels], got [${logits.shape.join(', ')}]`,
    );
  }
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= C) {
      throw new RangeError(`label ${label} of example ${i} in the batch is not a class id of this ${C}-label head`);
    }
  });
  return crossEntropySum(
    logits as tf.Tensor2D,
    labels,
    labels.map(() => 1),
  );
}

/** The next-token targets of labels [B, T]: row-major [B·(T-1)] targets and 0/1 weights (0 where ignored). */
export function shiftedTargets(labels: readonly (readonly number[])[]): {
  targets: Int32Array;
  weights: Float32Array;
  count: number;
} {
  const B = labels.length;
  const T = B > 0 ? labels[0].length : 0;
  const width = Math.max(0, T - 1);
  const targets = new Int32Array(B * width);
  const weights = new Float32Array(B * width);
  let count = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < width; t++) {
      const label = labels[b][t + 1];
      if (label === IGNORE_INDEX) continue;
      targets[b * width + t] = label;
      weights[b * width + t] = 1;
      count++;
    }
  }
  return { targets, weights, count };
}

/** Predicted (non-ignored, shifted) tokens in labels [B, T]: the count a causal-LM loss sum is divided by. */
export function countLmTargets(labels: readonly (readonly number[])[]): number {
  let count = 0;
  for (const row of labels) for (let t = 1; t < row.length; t++) if (row[t] !== IGNORE_INDEX) count++;
  return count;
}

/** logits [B, T, V], labels [B, T] (IGNORE_INDEX skipped) → summed next-token cross-entropy. */
export function causalLmLossSum(logits: tf.Tensor, labels: readonly (readonly number[])[]): tf.Scalar {
  const [B, T, V] = logits.shape;
  if (logits.rank !== 3 || B !== labels.length || labels.some((row) => row.length !== T)) {
    throw new RangeError(
      `causal LM logits must be [batch, seq, vocab] matching labels [${labels.length}, ${labels[0]?.length}], got [${logits.shape.join(', ')}]`,
    );
  }
  if (T < 2) return tf.scalar(0);
  const { targets, weights } = shiftedTargets(labels);
  for (let i = 0; i < targets.length; i++) {
    if (weights[i] !== 0 && (targets[i] < 0 || targets[i] >= V)) {
      throw new RangeError(
        `label ${targets[i]} is not a token id of this ${V}-token vocabulary (use ${IGNORE_INDEX} to skip a position)`,
      );
    }
  }
  const predicting = tf.reshape(tf.slice(logits, [0, 0, 0], [B, T - 1, V]), [B * (T - 1), V]) as tf.Tensor2D; // [B·(T-1), V]
  return crossEntropySum(predicting, targets, weights);
}
