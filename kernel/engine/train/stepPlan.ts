/**
 * Which micro-batches make up each optimizer step. An epoch is cut into micro-batches of `batchSize` (the last
 * one may be smaller); every `accumulation` micro-batches make one optimizer step, and the last step of an epoch
 * takes whatever is left (Hugging Face's Trainer does the same). The order of examples in an epoch depends only
 * on the seed and the epoch index, so a resumed run sees exactly the batches an uninterrupted one would.
 */
import { Rng } from './rng';

export interface StepPlan {
  numExamples: number;
  batchSize: number;
  accumulation: number;
  microBatchesPerEpoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface StepSpan {
  epoch: number;
  /** Micro-batch indices [first, end) within the epoch. */
  first: number;
  end: number;
}

export function planSteps(
  numExamples: number,
  batchSize: number,
  accumulation: number,
  epochs: number,
  maxSteps?: number,
): StepPlan {
  const microBatchesPerEpoch = Math.ceil(numExamples / batchSize);
  const stepsPerEpoch = Math.ceil(microBatchesPerEpoch / accumulation);
  const totalSteps = maxSteps ?? Math.max(1, Math.ceil(epochs * stepsPerEpoch));
  return { numExamples, batchSize, accumulation, microBatchesPerEpoch, stepsPerEpoch, totalSteps };
}

/** The micro-batches of optimizer step `step` (0-based: the step about to run). */
export function spanOfStep(plan: StepPlan, step: number): StepSpan {
  const epoch = Math.floor(step / plan.stepsPerEpoch);
  const inEpoch = step % plan.stepsPerEpoch;
  const first = inEpoch * plan.accumulation;
  return { epoch, first, end: Math.min(first + plan.accumulation, plan.microBatchesPerEpoch) };
}

/** Fractional epochs completed after `steps` optimizer steps. */
export function epochAfter(plan: StepPlan, steps: number): number {
  return steps / plan.stepsPerEpoch;
}

/** Example indices of micro-batch `index` of `epoch`. */
export function microBatchIndices(plan: StepPlan, order: readonly number[], index: number): number[] {
  return order.slice(index * plan.batchSize, Math.min((index + 1) * plan.batchSize, plan.numExamples));
}

/**
 * Streams derived from the run's seed: the first feeds dropout (its state is checkpointed), each later one
 * shuffles one epoch.
 */
export function dropoutRng(seed: number): Rng {
  return Rng.fromSeed(seed).fork();
}

/** The example order of `epoch`: a seeded permutation (a fresh stream per epoch) or 0..n-1. */
export function epochOrder(seed: number, epoch: number, n: number, shuffle: boolean): number[] {
  if (!shuffle) return Array.from({ length: n }, (_, i) => i);
  const streams = Rng.fromSeed(seed);
  streams.fork(); // dropout's stream
  let epochRng = streams.fork();
  for (let e = 0; e < epoch; e++) epochRng = streams.fork();
  return epochRng.permutation(n);
}
