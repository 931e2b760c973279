/**
 * Learning-rate schedules with linear warmup, matching Hugging Face transformers'
 * `get_constant_schedule_with_warmup`, `get_linear_schedule_with_warmup` and
 * `get_cosine_schedule_with_warmup` (a `LambdaLR`: lr = learningRate * factor(step)).
 *
 * `step` counts optimizer updates already applied: the first update uses step 0, as PyTorch's
 * scheduler does before its first `scheduler.step()`. So with warmup the first update has lr 0.
 */
export type ScheduleKind = 'constant' | 'linear' | 'cosine';

export interface ScheduleConfig {
  kind: ScheduleKind;
  /** Peak learning rate (the optimizer's base lr). */
  learningRate: number;
  /** Steps of linear warmup from 0 to `learningRate`. Default 0. */
  warmupSteps?: number;
  /** Total optimizer steps of the run; required for `linear` and `cosine`. */
  totalSteps?: number;
  /** Cosine waves over the decay phase; HF default 0.5 (one half-cosine down to 0). */
  numCycles?: number;
}

export interface LearningRateSchedule {
  /** Normalised config (defaults filled in), safe to store in `trainer_state.json`. */
  readonly config: Required<ScheduleConfig>;
  /** The multiplier of `learningRate` at `step` (HF's lr_lambda). */
  factorAt(step: number): number;
  /** The learning rate for the update with index `step`. */
  lrAt(step: number): number;
}

export function constantWithWarmupFactor(step: number, warmupSteps: number): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return 1;
}

export function linearWithWarmupFactor(step: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

export function cosineWithWarmupFactor(step: number, warmupSteps: number, totalSteps: number, numCycles = 0.5): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress)));
}

/** HF `TrainingArguments.get_warmup_steps` for a `warmup_ratio`. */
export function warmupStepsFromRatio(ratio: number, totalSteps: number): number {
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`warmup ratio must be in [0, 1], got ${ratio}`);
  checkCount('totalSteps', totalSteps);
  return Math.ceil(totalSteps * ratio);
}

export function createSchedule(config: ScheduleConfig): LearningRateSchedule {
  const normalised = normaliseConfig(config);
  const { kind, learningRate, warmupSteps, totalSteps, numCycles } = normalised;
  const factorAt = (step: number): number => {
    checkCount('step', step);
    switch (kind) {
      case 'constant':
        return constantWithWarmupFactor(step, warmupSteps);
      case 'linear':
        return linearWithWarmupFactor(step, warmupSteps, totalSteps);
      case 'cosine':
        return cosineWithWarmupFactor(step, warmupSteps, totalSteps, numCycles);
    }
  };
  return {
    config: normalised,
    factorAt,
    lrAt: (step) => learningRate * factorAt(step),
  };
}

function normaliseConfig(config: ScheduleConfig): Required<ScheduleConfig> {
  const kinds: readonly ScheduleKind[] = ['constant', 'linear', 'cosine'];
  if (!kinds.includes(config.kind)) {
    throw new RangeError(`schedule kind must be one of ${kinds.join(', ')}; got ${JSON.stringify(config.kind)}`);
  }
  if (!(Number.isFinite(config.learningRate) && config.learningRate >= 0)) {
    throw new RangeError(`learningRate must be a finite number >= 0, got ${config.learningRate}`);
  }
  const warmupSteps = config.warmupSteps ?? 0;
  checkCount('warmupSteps', warmupSteps);
  let totalSteps = config.totalSteps ?? 0;
  if (config.kind !== 'constant') {
    if (config.totalSteps === undefined)
      throw new RangeError(`a ${config.kind} schedule needs totalSteps (the number of optimizer steps of the run)`);
    checkCount('totalSteps', config.totalSteps);
    totalSteps = config.totalSteps;
  } else if (config.totalSteps !== undefined) {
    checkCount('totalSteps', config.totalSteps);
  }
  const numCycles = config.numCycles ?? 0.5;
  if (!Number.isFinite(numCycles)) throw new RangeError(`numCycles must be finite, got ${numCycles}`);
  return { kind: config.kind, learningRate: config.learningRate, warmupSteps, totalSteps, numCycles };
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
}
