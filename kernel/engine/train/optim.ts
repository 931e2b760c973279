/**
 * AdamW with decoupled weight decay, matching `torch.optim.AdamW` (amsgrad off, maximize off):
 *   p ← p·(1 − lr·wd), then the bias-corrected Adam step, per parameter.
 * Biases and LayerNorm weights can be excluded from decay. The state (step count, first and second
 * moments per parameter name) round-trips through plain data for checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwUpdate } from '../backends/wasm/adamwKernel';

export interface AdamWOptions {
  /** Default 1e-3 (PyTorch's default). Change later with `learningRate`. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Default 0.01 (PyTorch's default). */
  weightDecay?: number;
  /**
   * Which parameters are not decayed: 'none' (PyTorch's default: all decay), 'bias-and-norm' (every parameter
   * of rank < 2, i.e. biases and LayerNorm weights, as nanoGPT and HF Trainer do), or a predicate on the
   * parameter name and variable.
   */
  noDecay?: 'none' | 'bias-and-norm' | ((name: string, variable: tf.Variable) => boolean);
}

/** Plain-data optimizer state, for checkpoints. Moments are keyed by variable name. */
export interface AdamWState {
  kind: 'AdamW';
  step: number;
  hyper: { lr: number; betas: [number, number]; eps: number; weightDecay: number };
  moments: Array<{ name: string; shape: number[]; m: Float32Array; v: Float32Array }>;
}

/**
 * The trainer's checkpoint form (train/checkpoint.ts `OptimizerStateSnapshot`): slots per variable name,
 * named as PyTorch names them. Slot tensors are the optimizer's own: read them before the next update and
 * do not dispose them.
 */
export interface AdamWSnapshot {
  name: 'adamw';
  step: number;
  hyperparameters: Record<string, number>;
  slots: Map<string, { exp_avg: tf.Tensor; exp_avg_sq: tf.Tensor }>;
}

/** What `restore` accepts: a snapshot, or one read back from disk (slots as raw shape + data). */
export interface AdamWSnapshotLike {
  name: string;
  step: number;
  hyperparameters?: Record<string, number>;
  slots: Map<string, Record<string, tf.Tensor | { shape: number[]; data: ArrayLike<number> }>>;
}

interface Moments {
  m: tf.Tensor;
  v: tf.Tensor;
}

export class AdamW {
  learningRate: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private readonly excluded: (name: string, variable: tf.Variable) => boolean;
  private readonly moments = new Map<string, Moments>();
  private steps = 0;

  constructor(opts: AdamWOptions = {}) {
    this.learningRate = checkNumber('lr', opts.lr ?? 1e-3, 0);
    const betas = opts.betas ?? [0.9, 0.999];
    this.betas = [checkBeta(betas[0], 0), checkBeta(betas[1], 1)];
    this.eps = checkNumber('eps', opts.eps ?? 1e-8, 0);
    this.weightDecay = checkNumber('weightDecay', opts.weightDecay ?? 0.01, 0);
    const noDecay = opts.noDecay ?? 'none';
    if (typeof noDecay === 'function') this.excluded = noDecay;
    else if (noDecay === 'bias-and-norm') this.excluded = (_name, variable) => variable.rank < 2;
    else if (noDecay === 'none') this.excluded = () => false;
    else
      throw new RangeError(
        `AdamW noDecay must be 'none', 'bias-and-norm' or a function, got ${JSON.stringify(noDecay)}`,
      );
  }

  /** Updates taken so far. */
  get step(): number {
    return this.steps;
  }

  /**
   * Computes the gradients of `loss` (which must return a scalar built from trainable variables), applies one
   * update and returns the loss value. `variables` defaults to every trainable variable the loss uses.
   */
  minimize(loss: () => tf.Scalar, variables?: tf.Variable[]): number {
    const { value, grads } = tf.variableGrads(loss, variables);
    try {
      this.applyGradients(grads);
      return value.dataSync()[0];
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  /** `minimize` reading the loss back asynchronously, as a GPU backend needs. */
  async minimizeAsync(loss: () => tf.Scalar, variables?: tf.Variable[]): Promise<number> {
    const { value, grads } = tf.variableGrads(loss, variables);
    try {
      this.applyGradients(grads);
      return (await value.data())[0];
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  /** One update from gradients keyed by variable name (as `tf.variableGrads` returns them). */
  applyGradients(grads: tf.NamedTensorMap): void {
    const registered = tf.engine().registeredVariables;
    const step = this.steps + 1;
    for (const [name, grad] of Object.entries(grads)) {
      const variable = registered[name];
      if (!variable) throw new Error(`AdamW: no variable named "${name}" is registered`);
      if (!variable.trainable) continue;
      if (variable.dtype !== 'float32')
        throw new TypeError(`AdamW: variable "${name}" is ${variable.dtype}, not float32`);
      if (!sameShape(grad.shape, variable.shape)) {
        throw new RangeError(
          `AdamW: gradient for "${name}" has shape [${grad.shape}], variable has [${variable.shape}]`,
        );
      }
      const state = this.moments.get(name) ?? this.zeroMoments(name, variable.shape);
      const [p, m, v] = adamwUpdate(variable, state.m, state.v, grad, {
        lr: this.learningRate,
        beta1: this.betas[0],
        beta2: this.betas[1],
        eps: this.eps,
        weightDecay: this.excluded(name, variable) ? 0 : this.weightDecay,
        step,
      });
      variable.assign(p);
      p.dispose();
      state.m.dispose();
      state.v.dispose();
      this.moments.set(name, { m: tf.keep(m), v: tf.keep(v) });
    }
    this.steps = step;
  }

  /** Whether `name` is decayed (for reports). */
  decays(name: string, variable: tf.Variable): boolean {
    return this.weightDecay > 0 && !this.excluded(name, variable);
  }

  state(): AdamWState {
    return {
      kind: 'AdamW',
      step: this.steps,
      hyper: { lr: this.learningRate, betas: [...this.betas], eps: this.eps, weightDecay: this.weightDecay },
      moments: [...this.moments.entries()].map(([name, s]) => ({
        name,
        shape: s.m.shape.slice(),
        m: s.m.dataSync() as Float32Array,
        v: s.v.dataSync() as Float32Array,
      })),
    };
  }

  /** Restores `state()` output; the learning rate comes back too (betas/eps/decay stay as constructed). */
  loadState(state: AdamWState): void {
    if (state?.kind !== 'AdamW' || !Number.isInteger(state.step) || state.step < 0 || !Array.isArray(state.moments)) {
      throw new TypeError('AdamW.loadState: not an AdamW state (expected { kind: "AdamW", step, moments })');
    }
    const incoming = new Map<string, Moments>();
    try {
      for (const e of state.moments) {
        const size = e.shape.reduce((a, b) => a * b, 1);
        if (e.m.length !== size || e.v.length !== size) {
          throw new RangeError(`AdamW.loadState: moments of "${e.name}" do not match shape [${e.shape}]`);
        }
        incoming.set(e.name, {
          m: tf.keep(tf.tensor(e.m, e.shape, 'float32')),
          v: tf.keep(tf.tensor(e.v, e.shape, 'float32')),
        });
      }
    } catch (err) {
      for (const s of incoming.values()) tf.dispose([s.m, s.v]);
      throw err;
    }
    this.disposeMoments();
    for (const [name, s] of incoming) this.moments.set(name, s);
    this.steps = state.step;
    this.learningRate = state.hyper.lr;
  }

  snapshot(): AdamWSnapshot {
    const slots = new Map<string, { exp_avg: tf.Tensor; exp_avg_sq: tf.Tensor }>();
    for (const [name, s] of this.moments) slots.set(name, { exp_avg: s.m, exp_avg_sq: s.v });
    return {
      name: 'adamw',
      step: this.steps,
      hyperparameters: {
        lr: this.learningRate,
        beta1: this.betas[0],
        beta2: this.betas[1],
        eps: this.eps,
        weight_decay: this.weightDecay,
      },
      slots,
    };
  }

  /** Restores a snapshot (e.g. from a checkpoint); the learning rate comes back when recorded. */
  restore(snapshot: AdamWSnapshotLike): void {
    if (snapshot?.name?.toLowerCase() !== 'adamw') {
      throw new TypeError(`AdamW.restore: the checkpoint holds "${snapshot?.name}" optimizer state, not AdamW`);
    }
    const moments: AdamWState['moments'] = [];
    for (const [name, slots] of snapshot.slots) {
      const m = slots.exp_avg;
      const v = slots.exp_avg_sq;
      if (!m || !v) throw new RangeError(`AdamW.restore: "${name}" lacks its exp_avg / exp_avg_sq slots`);
      const data = (t: typeof m) =>
        t instanceof tf.Tensor ? (t.dataSync() as Float32Array) : Float32Array.from(t.data);
      moments.push({ name, shape: m.shape.slice(), m: data(m), v: data(v) });
    }
    const lr = snapshot.hyperparameters?.lr ?? this.learningRate;
    this.loadState({
      kind: 'AdamW',
      step: snapshot.step,
      hyper: { lr, betas: this.betas, eps: this.eps, weightDecay: this.weightDecay },
      moments,
    });
  }

  dispose(): void {
    this.disposeMoments();
  }

  private disposeMoments(): void {
    for (const s of this.moments.values()) tf.dispose([s.m, s.v]);
    this.moments.clear();
  }

  private zeroMoments(name: string, shape: number[]): Moments {
    // tf.fill (a kernel, unlike tf.zeros) lets the native backend update the moments in place from step 1.
    const s = { m: tf.keep(tf.fill(shape, 0)), v: tf.keep(tf.fill(shape, 0)) };
    this.moments.set(name, s);
    return s;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkNumber(what: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(`AdamW ${what} must be a finite number >= ${min}, got ${value}`);
  }
  return value;
}

function checkBeta(value: number, index: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new RangeError(`AdamW betas[${index}] must be in [0, 1), got ${value}`);
  }
  return value;
}
