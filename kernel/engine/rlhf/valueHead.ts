/**
 * PPO's value head: a linear map from the policy's last hidden states to one value per position. It reads the
 * hidden states through a stop-gradient, so the value loss trains only the head and never moves the policy.
 */
import * as tf from '@tensorflow/tfjs-core';

export class ValueHead {
  readonly weight: tf.Variable; // [C, 1]
  readonly bias: tf.Variable; // [1]

  constructor(hiddenSize: number) {
    const unique = Math.random().toString(36).slice(2);
    this.weight = tf.tidy(() => tf.variable(tf.zeros([hiddenSize, 1]), true, `rlhf/v_head.summary.weight/${unique}`));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([1]), true, `rlhf/v_head.summary.bias/${unique}`));
  }

  /** hidden [B, T, C] → values [B, T]. */
  forward(hidden: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, T, C] = hidden.shape;
      const flat = tf.reshape(stopGradient(hidden), [B * T, C]);
      return tf.reshape(tf.add(tf.matMul(flat, this.weight), this.bias), [B, T]) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  dispose(): void {
    tf.dispose([this.weight, this.bias]);
  }
}

/** Identity forward, zero gradient (tfjs-core has no stop_gradient op). */
const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
