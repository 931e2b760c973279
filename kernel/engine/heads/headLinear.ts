/** A task-head linear layer owned by a head model: `nn.Linear` layout (weight [out, in]) under its HF name. */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerInfo } from '../models/model';

let headCounter = 0;

export class HeadLinear {
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;

  /** HF `_init_weights`: weight ~ normal(0, std), bias 0. */
  constructor(
    readonly path: string,
    inFeatures: number,
    outFeatures: number,
    opts: { bias: boolean; std: number; seed?: number },
  ) {
    const uid = `head${++headCounter}`;
    this.weight = tf.tidy(() =>
      tf.variable(
        tf.randomNormal([outFeatures, inFeatures], 0, opts.std, 'float32', opts.seed),
        true,
        `${uid}/${path}.weight`,
      ),
    );
    if (opts.bias) this.bias = tf.tidy(() => tf.variable(tf.zeros([outFeatures]), true, `${uid}/${path}.bias`));
  }

  /** Parameters by HF name. */
  params(): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [[`${this.path}.weight`, this.weight]];
    if (this.bias) out.push([`${this.path}.bias`, this.bias]);
    return out;
  }

  /** [B, in] → [B, out] */
  forward(x: tf.Tensor): tf.Tensor2D {
    const y = tf.matMul(x as tf.Tensor2D, this.weight, false, true); // [B, out]
    return (this.bias ? tf.add(y, this.bias) : y) as tf.Tensor2D;
  }

  layerInfo(): LayerInfo {
    let params = 0;
    let trainableParams = 0;
    for (const [, v] of this.params()) {
      params += v.size;
      if (v.trainable) trainableParams += v.size;
    }
    return {
      path: this.path,
      kind: 'Linear',
      params,
      trainableParams,
      trainable: params > 0 && trainableParams === params,
    };
  }

  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}
