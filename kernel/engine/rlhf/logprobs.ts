/**
 * Log-probabilities of the tokens a causal LM was given, per position, and the summed completion log-probability
 * used by DPO. The GPT-2 path computes logits from the final hidden states with the tied head so PPO gets the
 * value head's input from the same forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import type { SequenceBatch } from './sequences';

export interface LmForward {
  logits: tf.Tensor3D; // [B, T, V]
  hidden: tf.Tensor3D; // [B, T, C]
}

/** One forward pass giving logits and last hidden states. Differentiable; call inside a tidy. */
export function forwardLm(model: Model, batch: SequenceBatch, training = false): LmForward {
  const ids = tf.tensor2d(batch.ids, undefined, 'int32');
  const attentionMask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
  const head =
    model.modelType === 'gpt2'
      ? (model.params.get('lm_head.weight') ?? model.params.get('transformer.wte.weight'))
      : undefined;
  const hidden = model.hidden(ids, { attentionMask, training }) as tf.Tensor3D; // [B, T, C]
  if (head) {
    const [B, T, C] = hidden.shape;
    const logits = tf.reshape(tf.matMul(tf.reshape(hidden, [B * T, C]), head, false, true), [
      B,
      T,
      head.shape[0],
    ]) as tf.Tensor3D;
    return { logits, hidden };
  }
  return { logits: model.logits(ids, { attentionMask, training }) as tf.Tensor3D, hidden };
}

/** logits [B, T, V] over ids [B, T] → log p(ids[t+1] | ids[..t]) as [B, T-1]. */
export function nextTokenLogprobs(logits: tf.Tensor3D, ids: number[][]): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    const logProbs = tf.logSoftmax(tf.slice(logits, [0, 0, 0], [B, T - 1, V])); // [B, T-1, V]
    const targets = tf.tensor2d(
      ids.map((row) => row.slice(1)),
      [B, T - 1],
      'int32',
    );
    return tf.sum(tf.mul(logProbs, tf.oneHot(targets, V)), -1) as tf.Tensor2D; // [B, T-1]
  });
}

/** Per-token completion log-probabilities [B, T-1] (0 outside the completion). Differentiable. */
export function tokenLogprobs(model: Model, batch: SequenceBatch): tf.Tensor2D {
  return tf.tidy(() => {
    const logits =
      model.modelType === 'gpt2'
        ? forwardLm(model, batch).logits
        : (model.logits(batch.ids, { attentionMask: batch.attentionMask }) as tf.Tensor3D);
    return tf.mul(
      nextTokenLogprobs(logits, batch.ids),
      tf.tensor2d(batch.actionMask, undefined, 'float32'),
    ) as tf.Tensor2D;
  });
}

/** Summed completion log-probability per sequence [B]. Differentiable. */
export function sequenceLogprobs(model: Model, batch: SequenceBatch): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tokenLogprobs(model, batch), 1) as tf.Tensor1D);
}
