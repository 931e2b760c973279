/**
 * Per-parameter statistics of a model's last training run (`train`, `trainImageClassifier`, `rewardModel`, `dpo`,
 * `ppo`: every job built on the training loop), to show which layers actually learned: the mean (pre-clipping)
 * gradient L2 norm over the optimizer steps, and the relative weight change ‖W_end − W_start‖ / ‖W_start‖.
 * Frozen parameters are listed with zeros.
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

/** Statistics of the model's last training run, or undefined when it was never trained in this kernel. */
export function trainingStats(model: Model): TrainingStats | undefined {
  return lastRun.get(model);
}

/**
 * Collects the statistics while a training job runs; `finish()` stores them for `trainingStats(model)` of each
 * model given (a head model and the backbone it shares its variables with both show what learned).
 */
export class TrainingStatsRecorder {
  /** variable.name → snapshot at the start */
  private readonly starts: Map<string, tf.Tensor>;
  /** variable.name → sum over steps of its gradient norm */
  private readonly gradNormSums = new Map<string, number>();
  private readonly models: readonly Model[];
  private steps = 0;
  private done = false;

  constructor(models: Model | readonly Model[], variables: readonly tf.Variable[]) {
    this.models = Array.isArray(models) ? models : [models as Model];
    const copies = tf.tidy(() => variables.map((v) => tf.clone(v)));
    this.starts = new Map(variables.map((v, i) => [v.name, copies[i]]));
  }

  /** One optimizer step's gradients (keyed by variable name), before clipping. */
  recordStep(grads: tf.NamedTensorMap): void {
    const entries = Object.entries(grads);
    const norms =
      entries.length > 0 ? tf.tidy(() => tf.stack(entries.map(([, g]) => tf.norm(g))).dataSync()) : new Float32Array(0);
    this.recordNorms(grads, norms);
  }

  /** `recordStep` given each gradient's norm (`tf.norm`, in the order of `Object.keys(grads)`) already read back. */
  recordNorms(grads: tf.NamedTensorMap, norms: ArrayLike<number>): void {
    Object.keys(grads).forEach((varName, i) =>
      this.gradNormSums.set(varName, (this.gradNormSums.get(varName) ?? 0) + norms[i]),
    );
    this.steps++;
  }

  /** Stores the run's statistics for each model and frees the start snapshots (one asynchronous read). Idempotent. */
  async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      for (const model of this.models) lastRun.set(model, { steps: this.steps, params: await this.paramStats(model) });
    } finally {
      tf.dispose([...this.starts.values()]);
      this.starts.clear();
    }
  }

  private async paramStats(model: Model): Promise<Map<string, ParameterTrainingStats>> {
    const entries = [...model.params];
    let values: Float32Array = new Float32Array(0);
    if (entries.length > 0) {
      const norms = tf.tidy(() =>
        tf.stack(
          entries.map(([, current]) => {
            const start = this.starts.get(current.name);
            return start
              ? tf.stack([tf.norm(tf.sub(current, start)), tf.norm(start)])
              : tf.stack([tf.scalar(0), tf.norm(current)]);
          }),
        ),
      );
      try {
        values = (await norms.data()) as Float32Array;
      } finally {
        norms.dispose();
      }
    }
    const params = new Map<string, ParameterTrainingStats>();
    entries.forEach(([name, variable], i) => {
      const deltaNorm = values[2 * i];
      const startNorm = values[2 * i + 1];
      const gradNorm = this.steps > 0 ? (this.gradNormSums.get(variable.name) ?? 0) / this.steps : 0;
      params.set(name, {
        gradNorm,
        weightChange: startNorm > 0 ? deltaNorm / startNorm : deltaNorm,
        deltaNorm,
        startNorm,
      });
    });
    return params;
  }
}
