/**
 * Sequence pooling: hidden states [B, T, C] → one vector per sequence [B, C].
 *   cls   the first token (BERT's [CLS], ViT's class token)
 *   mean  the mean over non-padding tokens (sentence-transformers' mean pooling)
 *   last  the last non-padding token (GPT-2's sequence classification; decoder embeddings)
 * Differentiable in the hidden states; call inside a tidy.
 */
import * as tf from '@tensorflow/tfjs-core';

export type Pooling = 'cls' | 'mean' | 'last';
export const POOLINGS: readonly Pooling[] = ['cls', 'mean', 'last'];

/** hidden [B, T, C], mask [B, T] (1 token, 0 padding; default all tokens) → [B, C] */
export function poolHidden(hidden: tf.Tensor, pooling: Pooling, mask?: tf.Tensor): tf.Tensor2D {
  const [B, T, C] = hidden.shape;
  switch (pooling) {
    case 'cls':
      return tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, C]), [B, C]) as tf.Tensor2D;
    case 'mean': {
      if (!mask) return tf.mean(hidden, 1) as tf.Tensor2D;
      const m = tf.cast(tf.reshape(mask, [B, T, 1]), 'float32'); // [B, T, 1]
      const total = tf.sum(tf.mul(hidden, m), 1); // [B, C]
      return tf.div(total, tf.maximum(tf.sum(m, 1), 1e-9)) as tf.Tensor2D;
    }
    case 'last': {
      const index = lastTokenIndex(B, T, mask); // [B]
      const pick = tf.reshape(tf.oneHot(index, T), [B, T, 1]); // [B, T, 1]
      return tf.sum(tf.mul(hidden, tf.cast(pick, 'float32')), 1) as tf.Tensor2D;
    }
    default:
      throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`);
  }
}

/** Position of the last mask-1 token per row (argmax of position × mask, as Hugging Face does); T-1 without a mask. */
export function lastTokenIndex(B: number, T: number, mask?: tf.Tensor): tf.Tensor1D {
  if (!mask) return tf.fill([B], T - 1, 'int32') as tf.Tensor1D;
  const positions = tf.reshape(tf.range(0, T, 1, 'float32'), [1, T]);
  return tf.cast(tf.argMax(tf.mul(positions, tf.cast(mask, 'float32')), 1), 'int32') as tf.Tensor1D;
}
