import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigError } from './modelConfigError';
import { fusedGelu } from '../backends/native/fusedGelu';

export type Activation = (x: tf.Tensor) => tf.Tensor;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)): Hugging Face `gelu`. tfjs' erf is accurate to ~1.5e-7. */
const geluErf: Activation = (x) =>
  fusedGelu(x, 'erf') ?? tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));

/** Tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))): `gelu_new`, `gelu_pytorch_tanh`. */
const geluTanh: Activation = (x) => {
  const native = fusedGelu(x, 'tanh'); // one kernel each way on the native backend
  if (native) return native;
  const cube = tf.mul(tf.square(x), x); // not tf.pow: its gradient is far more expensive
  const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), SQRT_2_OVER_PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
};

/** `gelu_fast`: ½x(1 + tanh(x·0.7978845608(1 + 0.044715x²))). */
const geluFast: Activation = (x) => {
  const inner = tf.mul(tf.mul(x, 0.7978845608), tf.add(1, tf.mul(tf.square(x), 0.044715)));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
};

const ACTIVATIONS: Record<string, Activation> = {
  gelu: geluErf,
  gelu_python: geluErf,
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  gelu_accurate: geluTanh,
  gelu_fast: geluFast,
  quick_gelu: (x) => tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))),
  relu: (x) => tf.relu(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  linear: (x) => x,
};

/** The activation a config names (`activation_function`, `hidden_act` or `activation`), by Hugging Face's ACT2FN names. */
export function activation(name: unknown, configKey: string): Activation {
  const fn = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
  if (!fn) {
    throw new ModelConfigError(
      `${configKey} ${JSON.stringify(name)} is not supported; use one of ${Object.keys(ACTIVATIONS).join(', ')}`,
    );
  }
  return fn;
}
