/**
 * Per-parameter statistics of a model's last `train()` run, to show which layers actually learned:
 * the mean (pre-clipping) gradient L2 norm over the optimizer steps, and the relative weight change
 * ‖W_end − W_start‖ / ‖W_start‖. Frozen parameters are listed with zeros.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';

export interface ParameterTrainingStats {
  /** Mean over optimizer steps of the parameter's gradient L2 norm (before clipping). */
  gradNorm: number;
  /** ‖W_end − W_start‖ / ‖W_start‖; a parameter that started at all zeros gives its absolute change ‖W_end‖. */
  weightChange: number;
  /** ‖W_end − W_start‖ */
  deltaNorm: number;
  /** ‖W_start‖ */
  startNorm: number;
}

export interface TrainingStats {
  /** Optimizer steps the run applied. */
  steps: number;
  /** By Hugging Face parameter name (the keys of `model.params`). */
  params: Map<string, ParameterTrainingStats>;
}

const lastRun = new WeakMap<Model, TrainingStats>();

/** Statistics of the model's last `train()` run, or undefined when it was never trained in this kernel. */
export function trainingStats(model: Model): TrainingStats | undefined {
  return lastRun.get(model);
}

/** Collects the statistics while `train()` runs; `finish()` stores them for `trainingStats(model)`. */
export class TrainingStatsRecorder {
  private readonly starts: Map<string, tf.Tensor>;
  /** variable.name → parameter name */
  private readonly nameOf = new Map<string, string>();
  private readonly gradNormSums = new Map<string, number>();
  private steps = 0;
  private done = false;

  constructor(
    private readonly model: Model,
    variables: readonly tf.Variable[],
  ) {
    for (const [name, v] of model.params) this.nameOf.set(v.name, name);
    const names = variables.map((v) => this.nameOf.get(v.name) ?? v.name);
    const copies = tf.tidy(() => variables.map((v) => tf.clone(v)));
    this.starts = new Map(names.map((name, i) => [name, copies[i]]));
  }

  /** One optimizer step's gradients (keyed by variable name), before clipping. */
  recordStep(grads: tf.NamedTensorMap): void {
    const entries = Object.entries(grads);
    if (entries.length > 0) {
      const norms = tf.tidy(() => tf.stack(entries.map(([, g]) => tf.norm(g))).dataSync());
      entries.forEach(([varName], i) => {
        const name = this.nameOf.get(varName) ?? varName;
        this.gradNormSums.set(name, (this.gradNormSums.get(name) ?? 0) + norms[i]);
      });
    }
    this.steps++;
  }

  /** Stores the run's statistics for the model and frees the start snapshots. Idempotent. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    try {
      const names = [...this.model.params.keys()];
      const values = tf.tidy(() => {
        const rows = names.map((name) => {
          const current = this.model.params.get(name)!;
          const start = this.starts.get(name);
          return start ? tf.stack([tf.norm(tf.sub(current, start)), tf.norm(start)]) : tf.stack([tf.scalar(0), tf.norm(current)]);
        });
        return rows.length ? tf.stack(rows).dataSync() : new Float32Array(0);
      });
      const params = new Map<string, ParameterTrainingStats>();
      names.forEach((name, i) => {
        const deltaNorm = values[2 * i];
        const startNorm = values[2 * i + 1];
        const gradNorm = this.steps > 0 ? (this.gradNormSums.get(name) ?? 0) / this.steps : 0;
        params.set(name, { gradNorm, weightChange: startNorm > 0 ? deltaNorm / startNorm : deltaNorm, deltaNorm, startNorm });
      });
      lastRun.set(this.model, { steps: this.steps, params });
    } finally {
      tf.dispose([...this.starts.values()]);
      this.starts.clear();
    }
  }
}
