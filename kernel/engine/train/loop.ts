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
import { addGradients, clipToNorm, globalNormTensor } from './gradients';
import type { MemoryEstimateOptions } from './memory';
import { assertTrainingFits, memoryLimit } from './memoryLimit';
import { AdamW, type AdamWOptions } from './optim';
import { rethrowIfOutOfMemory } from './outOfMemory';
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
  /** The step's shape, for refusing up front a run whose memory estimate exceeds the backend's limit. */
  memory?: MemoryEstimateOptions;
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
  /** The flattened `report` of a `stepAsync` loss; empty otherwise. */
  report?: Float32Array;
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

  /**
   * One optimizer step on one loss with a single asynchronous read-back per step (loss, gradient norms and the
   * loss's `report` tensor together), so a GPU backend is never asked for a synchronous read. `loss` may return
   * `{ loss, report }`: `report` (any float32 tensor, kept by the loop) comes back flattened as `outcome.report`.
   */
  async stepAsync(loss: () => tf.Scalar | ReportedLoss, options: StepOptions = {}): Promise<StepOutcome> {
    if (options.learningRate !== undefined) this.optimizer.learningRate = options.learningRate;
    let report: tf.Tensor | undefined;
    const scalarLoss = () => {
      const out = loss();
      if (out instanceof tf.Tensor) return out;
      report = tf.keep(out.report);
      return out.loss;
    };
    try {
      const { value, grads } = this.gradients(scalarLoss, options.rng);
      try {
        const values = await readAsync(stepReadback([value], grads, report));
        return this.apply(grads, readStep(values, 1, grads)).outcome;
      } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
    } finally {
      report?.dispose();
    }
  }

  /**
   * One optimizer step over `count` micro-batches: the gradients of each `lossOf(i)` are summed (each loss is
   * already divided by the window's size, so k micro-batches equal one big batch). The event loop gets a turn
   * between micro-batches; when a stop arrives mid-window nothing is applied and `rng` is rewound, so a resumed
   * run repeats the step exactly. The micro-batch losses are read back once, with the gradient norms, at the end.
   */
  async accumulatedStep(
    count: number,
    lossOf: (microBatch: number) => tf.Scalar,
    options: StepOptions = {},
  ): Promise<StepOutcome | 'interrupted'> {
    if (options.learningRate !== undefined) this.optimizer.learningRate = options.learningRate;
    const rngAtStart = options.rng?.getState();
    let grads: tf.NamedTensorMap | undefined;
    const losses: tf.Scalar[] = [];
    try {
      for (let i = 0; i < count; i++) {
        if (i > 0) await nextTurn();
        if (this.stopRequested) {
          if (rngAtStart !== undefined) options.rng!.setState(rngAtStart);
          return 'interrupted';
        }
        const { value, grads: microGrads } = this.gradients(() => lossOf(i), options.rng);
        losses.push(value);
        grads = addGradients(grads, microGrads);
      }
      const summed = grads ?? {};
      const values = await readAsync(stepReadback(losses, summed));
      return this.apply(summed, readStep(values, losses.length, summed)).outcome;
    } finally {
      tf.dispose(losses);
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
  finishAfterError(): Promise<void> {
    return this.finish(this.stopRequested ? 'interrupted' : 'failed');
  }

  /** Frees the optimizer and stores `trainingStats`; the chart ends as `status` unless the job already ended it. */
  async finish(status: 'done' | 'interrupted' | 'failed'): Promise<void> {
    this.progress?.finish(status);
    if (this.finished) return;
    this.finished = true;
    try {
      this.optimizer.dispose();
    } finally {
      await this.stats.finish();
    }
  }

  private gradients(loss: () => tf.Scalar, rng: Rng | undefined): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const compute = () => {
      try {
        return tf.variableGrads(loss, this.options.variables);
      } catch (err) {
        return rethrowIfOutOfMemory(err, 'forward/backward');
      }
    };
    return rng ? withSeededRandom(rng, compute) : compute();
  }

  /** Records the statistics, clips and applies. */
  private apply(grads: tf.NamedTensorMap, read: StepRead): { outcome: StepOutcome } {
    if (!Number.isFinite(read.loss)) {
      throw new TrainingLoopError(
        `the loss became ${read.loss} at step ${this.optimizer.step + 1}; the model was not updated. Lower the learning rate or check the data`,
      );
    }
    this.stats.recordNorms(grads, read.paramNorms);
    clipToNorm(grads, this.options.maxGradNorm ?? 0, read.gradNorm);
    try {
      this.optimizer.applyGradients(grads);
    } catch (err) {
      rethrowIfOutOfMemory(err, 'optimizer');
    }
    return { outcome: { loss: read.loss, gradNorm: read.gradNorm, report: read.report } };
  }
}

/** What the loss of `stepAsync` may return besides a bare scalar. */
export interface ReportedLoss {
  loss: tf.Scalar;
  /** Values the job wants back with the step's one read (e.g. DPO's reward means, a batch's logits). */
  report: tf.Tensor;
}

interface StepRead {
  loss: number;
  gradNorm: number;
  /** Each gradient's L2 norm, in the order of `Object.values(grads)`. */
  paramNorms: Float32Array;
  report: Float32Array;
}

/**
 * Everything a step reads back, as one float32 vector: the losses, the global gradient norm, each gradient's norm,
 * then the report. The norms are computed exactly as `globalNorm` and the statistics recorder compute them.
 */
function stepReadback(losses: readonly tf.Scalar[], grads: tf.NamedTensorMap, report?: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const parts: tf.Tensor1D[] = losses.map((l) => tf.reshape(tf.cast(l, 'float32'), [1]) as tf.Tensor1D);
    const tensors = Object.values(grads);
    parts.push(tf.reshape(globalNormTensor(grads), [1]) as tf.Tensor1D);
    if (tensors.length > 0) parts.push(tf.stack(tensors.map((g) => tf.norm(g))) as tf.Tensor1D);
    if (report) parts.push(tf.reshape(tf.cast(report, 'float32'), [-1]) as tf.Tensor1D);
    return tf.concat(parts);
  });
}

/** Splits `stepReadback`'s values; the losses are summed in order in double precision, as the loop always did. */
function readStep(values: ArrayLike<number>, lossCount: number, grads: tf.NamedTensorMap): StepRead {
  const all = values instanceof Float32Array ? values : Float32Array.from(values);
  let loss = 0;
  for (let i = 0; i < lossCount; i++) loss += all[i];
  const paramCount = Object.keys(grads).length;
  return {
    loss,
    gradNorm: all[lossCount],
    paramNorms: all.subarray(lossCount + 1, lossCount + 1 + paramCount),
    report: all.slice(lossCount + 1 + paramCount),
  };
}

async function readAsync(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * Runs `body` with a fresh loop (see `startTrainingLoop`), then always frees the optimizer and stores
 * `trainingStats`; the chart ends as 'interrupted' or 'failed' when `body` throws.
 */
export async function runTrainingLoop<T>(
  options: TrainingLoopOptions,
  body: (loop: TrainingLoop) => Promise<T>,
): Promise<T> {
  const loop = startTrainingLoop(options);
  try {
    const result = await body(loop);
    await loop.finish('done');
    return result;
  } catch (error) {
    await loop.finishAfterError();
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
  if (options.memory) assertTrainingFits(options.model, options.memory, memoryLimit());
}
