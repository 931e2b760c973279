/** Gradient bookkeeping between micro-batches and the optimizer: accumulation and global-norm clipping. */
import * as tf from '@tensorflow/tfjs-core';

/** Adds `next` into `sum` (both keyed by variable name); disposes what it replaces. Returns the new sum. */
export function addGradients(sum: tf.NamedTensorMap | undefined, next: tf.NamedTensorMap): tf.NamedTensorMap {
  if (!sum) return next;
  for (const [name, grad] of Object.entries(next)) {
    const previous = sum[name];
    if (previous) {
      sum[name] = tf.keep(tf.add(previous, grad));
      previous.dispose();
      grad.dispose();
    } else sum[name] = grad;
  }
  return sum;
}

/** sqrt(sum of squared entries of every gradient), read back synchronously (cpu/wasm only). */
export function globalNorm(grads: tf.NamedTensorMap): number {
  const norm = globalNormTensor(grads);
  try {
    return norm.dataSync()[0];
  } finally {
    norm.dispose();
  }
}

/** sqrt(sum of squared entries of every gradient) as a scalar tensor, for a caller that reads it back later. */
export function globalNormTensor(grads: tf.NamedTensorMap): tf.Scalar {
  const tensors = Object.values(grads);
  if (tensors.length === 0) return tf.scalar(0);
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * `torch.nn.utils.clip_grad_norm_`: scales every gradient by min(1, maxNorm / (norm + 1e-6)). Returns the norm
 * before clipping. maxNorm 0 or Infinity: only measures.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): number {
  return clipToNorm(grads, maxNorm, globalNorm(grads));
}

/** `clipByGlobalNorm` given the norm already read back (e.g. with the loss, in one read per step). */
export function clipToNorm(grads: tf.NamedTensorMap, maxNorm: number, norm: number): number {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm) || !Number.isFinite(norm)) return norm;
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return norm;
  for (const [name, grad] of Object.entries(grads)) {
    grads[name] = tf.keep(tf.mul(grad, coef));
    grad.dispose();
  }
  return norm;
}
