/**
 * One LoRA adapter around a `Linear` (nn.Linear `[out, in]` or GPT-2's Conv1D `[in, out]`):
 *   y = base(x) + (alpha / r) · dropout(x) · Aᵀ · Bᵀ        A [r, in], B [out, r] (PEFT's shapes for both layouts)
 * A starts kaiming-uniform(a = √5) = U(−1/√in, 1/√in), B at zero, so the output is unchanged at first.
 * `merge` folds the update into the base weight; `unmerge` takes it out again.
 */
import * as tf from '@tensorflow/tfjs-core';
import { join, type Linear, Module } from '../../models/blocks';
import type { ForwardMode } from './modelAccess';

/** Shared switches of all adapters of one model. */
export interface AdapterSwitches {
  disabled: boolean;
  mode: ForwardMode;
}

/** The `lora_A` / `lora_B` leaves, so adapters appear in `layers()` with kind `LoraAdapter`. */
export class LoraAdapterModule extends Module {
  constructor(
    path: string,
    readonly weight: tf.Variable,
  ) {
    super(path, 'LoraAdapter');
    this.own.push(weight);
  }
}

export class LoraLayer {
  merged = false;
  readonly scaling: number;
  private readonly baseForward: (x: tf.Tensor) => tf.Tensor;

  constructor(
    readonly linear: Linear,
    readonly loraA: tf.Variable,
    readonly loraB: tf.Variable,
    readonly r: number,
    readonly alpha: number,
    readonly dropout: number,
    private readonly switches: AdapterSwitches,
  ) {
    this.scaling = alpha / r;
    this.baseForward = linear.forward.bind(linear);
    linear.forward = (x) => this.forward(x);
  }

  get path(): string {
    return this.linear.path;
  }

  /** Parameter names of A and B in `model.params` (PEFT's in-model names without the adapter name). */
  static paramNames(path: string): { a: string; b: string } {
    return { a: join(path, 'lora_A.weight'), b: join(path, 'lora_B.weight') };
  }

  /** [..., in] → [..., out] */
  forward(x: tf.Tensor): tf.Tensor {
    const y = this.baseForward(x);
    if (this.merged || this.switches.disabled) return y;
    const inF = x.shape[x.shape.length - 1];
    const training = this.switches.mode.training && this.dropout > 0;
    const xd = tf.reshape(training ? tf.dropout(x, this.dropout) : x, [-1, inF]); // [N, in]
    const down = tf.matMul(xd, this.loraA, false, true); // [N, r]
    const up = tf.matMul(down, this.loraB, false, true); // [N, out]
    return tf.add(y, tf.reshape(tf.mul(up, this.scaling), y.shape));
  }

  /** scaling·B·A in the base weight's layout: [out, in] for Linear, [in, out] for Conv1D. */
  deltaWeight(): tf.Tensor {
    return tf.tidy(() => {
      const delta = tf.mul(tf.matMul(this.loraB, this.loraA), this.scaling); // [out, in]
      return this.linear.layout === 'in_out' ? tf.transpose(delta) : delta;
    });
  }

  merge(): void {
    if (this.merged) return;
    const delta = this.deltaWeight();
    tf.tidy(() => this.linear.weight.assign(tf.add(this.linear.weight, delta)));
    delta.dispose();
    this.merged = true;
  }

  unmerge(): void {
    if (!this.merged) return;
    const delta = this.deltaWeight();
    tf.tidy(() => this.linear.weight.assign(tf.sub(this.linear.weight, delta)));
    delta.dispose();
    this.merged = false;
  }

  /** Puts the base layer's own forward back (used when an injection fails half-way). */
  restore(): void {
    this.linear.forward = this.baseForward;
  }
}

/** PEFT's default A init: kaiming_uniform_(a=√5) on [r, in] → U(−1/√in, 1/√in). */
export function initLoraA(r: number, inFeatures: number, seed?: number): tf.Tensor {
  const bound = 1 / Math.sqrt(inFeatures);
  return tf.randomUniform([r, inFeatures], -bound, bound, 'float32', seed);
}
