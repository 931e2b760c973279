/**
 * The training loop every job is built on (`train`, `trainImageClassifier`, `rewardModel`, `dpo`, `ppo`). It owns
 * what each needs besides its loss: stopping on the kernel interrupt or `options.signal` (checked between steps and
 * micro-batches, with a turn of the event loop so the interrupt can arrive), the live progress chart, the AdamW
 * lifecycle, gradient accumulation and global-norm clipping, `trainingStats(model)` for the freeze map, and
 * training checkpoints. A job runs its steps inside `runTrainingLoop(options, async (loop) => ...)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import type { TrainerState } from './checkpoint';
import { addGradients, clipByGlobalNorm } from './gradients';
import { AdamW, type AdamWOptions } from './optim';
import { TrainingProgress } from './progress';
import type { Rng } from './rng';
import { withSeededRandom } from './seededRandom';
import { nextTurn, stopRequested, throwIfStopped } from './stopping';
import { restoreTrainingCheckpoint, writeTrainingCheckpoint } from './trainCheckpoint';
import { TrainingLoopError } from './trainingLoopError';
import { TrainingStatsRecorder } from './trainingStats';

export interface TrainingLoopOptions {
  /** The model trained; `trainingStats(model)` describes this run afterwards, and checkpoints save it. */
  model: Model;
  /** More models sharing the trained variables whose `trainingStats` this run also sets (e.g. a head's backbone). */
  alsoStatsFor?: readonly Model[];
  /** What the optimizer updates (the model's trainable variables, plus e.g. a value head's). */
  variables: tf.Variable[];
  optimizer: AdamWOptions;
  /** The live chart's step axis; undefined draws no chart. */
  progress?: { totalSteps: number; title: string };
  /** Stops the job like the kernel's interrupt does. */
  signal?: AbortSignal;
  /** Clip the gradients to this global norm before each update; 0, Infinity or undefined: no clipping. */
  maxGradNorm?: number;
  /** Names the job in stop messages, e.g. 'dpo'. */
  what: string;
}

export interface StepOptions {
  /** The optimizer's learning rate for this step (e.g. from a schedule); unchanged when undefined. */
  learningRate?: number;
  /** Seeds dropout inside the loss; rewound when an interrupt discards a partial accumulation window. */
  rng?: Rng;
}

export interface StepOutcome {
  /** The loss (summed over the window's micro-batches). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export class TrainingLoop {
  readonly optimizer: AdamW;
  readonly progress: TrainingProgress | undefined;
  private readonly stats: TrainingStatsRecorder;
  private finished = false;

  constructor(private readonly options: TrainingLoopOptions) {
    this.optimizer = new AdamW(options.optimizer);
    this.progress = options.progress ? new TrainingProgress(options.progress) : undefined;
    this.stats = new TrainingStatsRecorder([options.model, ...(options.alsoStatsFor ?? [])], options.variables);
  }

  /** True once the kernel interrupted the cell or the job's signal is aborted. */
  get stopRequested(): boolean {
    return stopRequested(this.options.signal);
  }

  /** Throws the interrupt's reason when a stop was requested. */
  throwIfStopped(): void {
    throwIfStopped(this.options.signal, this.options.what);
  }

  /** One turn of the event loop, then `throwIfStopped()`. */
  async yieldAndCheck(): Promise<void> {
    await nextTurn();
    this.throwIfStopped();
  }

  /** One turn of the event loop; the caller checks `stopRequested` when it wants to end quietly. */
  nextTurn(): Promise<void> {
    return nextTurn();
  }

  /** One optimizer step on one loss. */
  step(loss: () => tf.Scalar, options: StepOptions = {}): StepOutcome {
    if (options.learningRate !== undefined) this.optimizer.learningRate = options.learningRate;
    const { value, grads } = this.gradients(loss, options.rng);
    try {
      const lossValue = value.dataSync()[0];
      return { loss: lossValue, gradNorm: this.apply(grads, lossValue) };
    } finally {
      value.dispose();
      tf.dispose(Object.values(grads));
    }
  }

  /**
   * One optimizer step over `count` micro-batches: the gradients of each `lossOf(i)` are summed (each loss is
   * already divided by the window's size, so k micro-batches equal one big batch). The event loop gets a turn
   * between micro-batches; when a stop arrives mid-window nothing is applied and `rng` is rewound, so a resumed
   * run repeats the step exactly.
   */
  async accumulatedStep(
    count: number,
    lossOf: (microBatch: number) => tf.Scalar,
    options: StepOptions = {},
  ): Promise<StepOutcome | 'interrupted'> {
    if (options.learningRate !== undefined) this.optimizer.learningRate = options.learningRate;
    const rngAtStart = options.rng?.getState();
    let grads: tf.NamedTensorMap | undefined;
    let loss = 0;
    try {
      for (let i = 0; i < count; i++) {
        if (i > 0) await nextTurn();
        if (this.stopRequested) {
          if (rngAtStart !== undefined) options.rng!.setState(rngAtStart);
          return 'interrupted';
        }
        const { value, grads: microGrads } = this.gradients(() => lossOf(i), options.rng);
        loss += value.dataSync()[0];
        value.dispose();
        grads = addGradients(grads, microGrads);
      }
      return { loss, gradNorm: this.apply(grads ?? {}, loss) };
    } finally {
      if (grads) tf.dispose(Object.values(grads));
    }
  }

  /** Writes a training checkpoint (weights, AdamW moments, `state`) of the loop's model to `dir`. */
  saveCheckpoint(dir: string, state: TrainerState): Promise<void> {
    return writeTrainingCheckpoint(dir, this.options.model, this.optimizer, state);
  }

  /** Loads a training checkpoint into the loop's model and optimizer; returns its trainer state. */
  restoreCheckpoint(dir: string): Promise<TrainerState> {
    return restoreTrainingCheckpoint(dir, this.options.model, this.optimizer);
  }

  /** `finish()` after the job threw: the chart ends as 'interrupted' when a stop was requested, else 'failed'. */
  finishAfterError(): void {
    this.finish(this.stopRequested ? 'interrupted' : 'failed');
  }

  /** Frees the optimizer and stores `trainingStats`; the chart ends as `status` unless the job already ended it. */
  finish(status: 'done' | 'interrupted' | 'failed'): void {
    this.progress?.finish(status);
    if (this.finished) return;
    this.finished = true;
    try {
      this.optimizer.dispose();
    } finally {
      this.stats.finish();
    }
  }

  private gradients(loss: () => tf.Scalar, rng: Rng | undefined): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const compute = () => tf.variableGrads(loss, this.options.variables);
    return rng ? withSeededRandom(rng, compute) : compute();
  }

  /** Records the statistics, clips and applies; returns the norm before clipping. */
  private apply(grads: tf.NamedTensorMap, loss: number): number {
    if (!Number.isFinite(loss)) {
      throw new TrainingLoopError(
        `the loss became ${loss} at step ${this.optimizer.step + 1}; the model was not updated. Lower the learning rate or check the data`,
      );
    }
    this.stats.recordStep(grads);
    const gradNorm = clipByGlobalNorm(grads, this.options.maxGradNorm ?? 0);
    this.optimizer.applyGradients(grads);
    return gradNorm;
  }
}

/**
 * Runs `body` with a fresh loop (see `startTrainingLoop`), then always frees the optimizer and stores
 * `trainingStats`; the chart ends as 'interrupted' or 'failed' when `body` throws.
 */
export async function runTrainingLoop<T>(options: TrainingLoopOptions, body: (loop: TrainingLoop) => Promise<T>): Promise<T> {
  const loop = startTrainingLoop(options);
  try {
    const result = await body(loop);
    loop.finish('done');
    return result;
  } catch (error) {
    loop.finishAfterError();
    throw error;
  }
}

/**
 * A fresh loop after the checks that must hold before the first step. The caller must end it with `finish()`
 * (or `finishAfterError()`); `runTrainingLoop` does that for it.
 */
export function startTrainingLoop(options: TrainingLoopOptions): TrainingLoop {
  checkBeforeFirstStep(options);
  return new TrainingLoop(options);
}

/** What must hold before a job starts its first step; a job that fails here has not changed the model. */
function checkBeforeFirstStep(options: TrainingLoopOptions): void {
  if (options.variables.length === 0) {
    throw new TrainingLoopError(
      'the model has no trainable parameters (everything is frozen); unfreeze some with unfreeze(model, selector)',
    );
  }
}
