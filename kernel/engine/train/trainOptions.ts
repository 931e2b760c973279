/** What `train()` accepts, with Hugging Face `TrainingArguments` defaults, and its validation. */
import type { ScheduleKind } from './schedule';
import type { TrainData } from './trainData';
import { TrainerError } from './trainerError';

export type TrainTask = 'classification' | 'causal-lm';
export type IntervalStrategy = 'no' | 'steps' | 'epoch';

export interface TrainOptions {
  /** Default: from the data ({text,label} / {inputIds,label} → classification; anything else → causal LM). */
  task?: TrainTask;
  /** Passes over the data; default 3. Ignored when `maxSteps` is set. */
  epochs?: number;
  /** Optimizer steps to run; overrides `epochs`. */
  maxSteps?: number;
  /** Examples per micro-batch; default 8. */
  batchSize?: number;
  /** Micro-batches per optimizer step; default 1. */
  gradientAccumulationSteps?: number;
  /** Peak learning rate; default 5e-5. */
  learningRate?: number;
  /** AdamW decoupled weight decay (not applied to biases and LayerNorm weights); default 0. */
  weightDecay?: number;
  adamBeta1?: number;
  adamBeta2?: number;
  adamEpsilon?: number;
  /** Learning-rate schedule after warmup; default 'linear'. */
  schedule?: ScheduleKind;
  warmupSteps?: number;
  /** Warmup as a share of all steps (used when warmupSteps is not given). */
  warmupRatio?: number;
  /** Clip gradients to this global L2 norm; default 1. 0 or Infinity: no clipping. */
  maxGradNorm?: number;
  /** Seeds shuffling and dropout; default 42. Same seed, data, model and options → same run. */
  seed?: number;
  /** Shuffle the training data each epoch; default true. */
  shuffle?: boolean;
  /** Longest sequence when the trainer tokenizes raw records (default: the model's maximum positions). */
  maxLength?: number;
  /** Pad token id for batching (default: the tokenizer's pad, else EOS, else config.pad_token_id, else 0). */
  padTokenId?: number;
  /** Class names for raw string labels (default: the model's label2id when it covers them, else sorted labels). */
  labels?: readonly string[];
  /** Apply the model's dropout while training; default true. */
  dropout?: boolean;

  /** Held-out data of the same kind as the training data. */
  evalData?: TrainData;
  /** When to evaluate; default 'epoch' with evalData ('steps' when evalSteps is given), else 'no'. */
  evalStrategy?: IntervalStrategy;
  evalSteps?: number;
  /** Default: batchSize. */
  evalBatchSize?: number;
  /** Metric the best model and early stopping follow; default 'eval_loss' ('accuracy' and 'eval_accuracy' both work). */
  metricForBestModel?: string;
  /** Default: false for losses and perplexity, true otherwise. */
  greaterIsBetter?: boolean;
  /** Stop after this many evaluations without improvement. */
  earlyStoppingPatience?: number;
  /** An improvement must exceed this; default 0. */
  earlyStoppingThreshold?: number;

  /** Log the training loss every this many steps; default 1. */
  loggingSteps?: number;

  /** Folder for `checkpoint-<step>` folders. */
  outputDir?: string;
  /** Default 'steps' when saveSteps is given, else 'epoch' when outputDir is set, else 'no'. */
  saveStrategy?: IntervalStrategy;
  saveSteps?: number;
  /** Keep only the newest N checkpoints (the best one is never deleted). */
  saveTotalLimit?: number;
  /** A checkpoint folder, or true for the latest one in outputDir. */
  resumeFromCheckpoint?: string | boolean;

  /** Show the live progress bar and curves in the cell; default true (no-op outside a kernel). */
  progress?: boolean;
  /** Title above the progress bar. */
  title?: string;
  /** Stops training at the next step boundary, like a kernel interrupt. */
  signal?: AbortSignal;
}

/** The options with defaults filled in and checked. */
export interface ResolvedTrainOptions {
  epochs: number;
  maxSteps?: number;
  batchSize: number;
  gradientAccumulationSteps: number;
  learningRate: number;
  weightDecay: number;
  betas: [number, number];
  adamEpsilon: number;
  schedule: ScheduleKind;
  warmupSteps?: number;
  warmupRatio: number;
  maxGradNorm: number;
  seed: number;
  shuffle: boolean;
  dropout: boolean;
  evalStrategy: IntervalStrategy;
  evalSteps?: number;
  evalBatchSize: number;
  metricForBestModel: string;
  greaterIsBetter: boolean;
  earlyStoppingPatience?: number;
  earlyStoppingThreshold: number;
  loggingSteps: number;
  outputDir?: string;
  saveStrategy: IntervalStrategy;
  saveSteps?: number;
  saveTotalLimit?: number;
  resumeFromCheckpoint?: string | true;
  progress: boolean;
  title: string;
}

export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (options === null || typeof options !== 'object')
    throw new TrainerError('train(model, data, options): options must be an object');
  const batchSize = positiveInt('batchSize', options.batchSize ?? 8);
  const hasEval = options.evalData !== undefined;
  const evalStrategy = strategy(
    'evalStrategy',
    options.evalStrategy ?? (hasEval ? (options.evalSteps !== undefined ? 'steps' : 'epoch') : 'no'),
  );
  if (evalStrategy !== 'no' && !hasEval) throw new TrainerError(`evalStrategy '${evalStrategy}' needs evalData`);
  const evalSteps = optionalPositiveInt('evalSteps', options.evalSteps);
  if (evalStrategy === 'steps' && evalSteps === undefined)
    throw new TrainerError("evalStrategy 'steps' needs evalSteps");
  const saveStrategy = strategy(
    'saveStrategy',
    options.saveStrategy ?? (options.saveSteps !== undefined ? 'steps' : options.outputDir ? 'epoch' : 'no'),
  );
  if (saveStrategy !== 'no' && !options.outputDir)
    throw new TrainerError(`saveStrategy '${saveStrategy}' needs outputDir (where checkpoints go)`);
  const saveSteps = optionalPositiveInt('saveSteps', options.saveSteps);
  if (saveStrategy === 'steps' && saveSteps === undefined)
    throw new TrainerError("saveStrategy 'steps' needs saveSteps");
  const metric = normaliseMetricName(options.metricForBestModel ?? 'eval_loss');
  const patience = optionalPositiveInt('earlyStoppingPatience', options.earlyStoppingPatience);
  if (patience !== undefined && evalStrategy === 'no')
    throw new TrainerError('earlyStoppingPatience needs evaluations: pass evalData');
  let resume: string | true | undefined;
  if (options.resumeFromCheckpoint === true) {
    if (!options.outputDir)
      throw new TrainerError('resumeFromCheckpoint: true looks for the latest checkpoint in outputDir; set outputDir');
    resume = true;
  } else if (typeof options.resumeFromCheckpoint === 'string') resume = options.resumeFromCheckpoint;
  else if (options.resumeFromCheckpoint !== undefined && options.resumeFromCheckpoint !== false) {
    throw new TrainerError('resumeFromCheckpoint must be a checkpoint folder or true');
  }
  return {
    epochs: positiveNumber('epochs', options.epochs ?? 3),
    maxSteps: optionalPositiveInt('maxSteps', options.maxSteps),
    batchSize,
    gradientAccumulationSteps: positiveInt('gradientAccumulationSteps', options.gradientAccumulationSteps ?? 1),
    learningRate: nonNegative('learningRate', options.learningRate ?? 5e-5),
    weightDecay: nonNegative('weightDecay', options.weightDecay ?? 0),
    betas: [unitInterval('adamBeta1', options.adamBeta1 ?? 0.9), unitInterval('adamBeta2', options.adamBeta2 ?? 0.999)],
    adamEpsilon: nonNegative('adamEpsilon', options.adamEpsilon ?? 1e-8),
    schedule: options.schedule ?? 'linear',
    warmupSteps: options.warmupSteps === undefined ? undefined : nonNegativeInt('warmupSteps', options.warmupSteps),
    warmupRatio: options.warmupRatio === undefined ? 0 : ratio('warmupRatio', options.warmupRatio),
    maxGradNorm: options.maxGradNorm === undefined ? 1 : nonNegativeOrInfinite('maxGradNorm', options.maxGradNorm),
    seed: nonNegativeInt('seed', options.seed ?? 42),
    shuffle: options.shuffle ?? true,
    dropout: options.dropout ?? true,
    evalStrategy,
    evalSteps,
    evalBatchSize: positiveInt('evalBatchSize', options.evalBatchSize ?? batchSize),
    metricForBestModel: metric,
    greaterIsBetter: options.greaterIsBetter ?? !/(loss|perplexity)$/.test(metric),
    earlyStoppingPatience: patience,
    earlyStoppingThreshold: nonNegative('earlyStoppingThreshold', options.earlyStoppingThreshold ?? 0),
    loggingSteps: positiveInt('loggingSteps', options.loggingSteps ?? 1),
    outputDir: options.outputDir,
    saveStrategy,
    saveSteps,
    saveTotalLimit: optionalPositiveInt('saveTotalLimit', options.saveTotalLimit),
    resumeFromCheckpoint: resume,
    progress: options.progress ?? true,
    title: options.title ?? 'Training',
  };
}

/** 'accuracy' → 'eval_accuracy', as HF's Trainer does. */
export function normaliseMetricName(name: string): string {
  if (typeof name !== 'string' || name === '')
    throw new TrainerError('metricForBestModel must be a metric name such as "eval_loss" or "accuracy"');
  return name.startsWith('eval_') ? name : `eval_${name}`;
}

function fail(name: string, what: string, value: unknown): never {
  throw new TrainerError(`option ${name} must be ${what}, got ${JSON.stringify(value) ?? String(value)}`);
}
/** `v` when it is an integer >= 1; otherwise a TrainerError naming option `name`. */
export function positiveInt(name: string, v: number): number {
  return Number.isSafeInteger(v) && v >= 1 ? v : fail(name, 'an integer >= 1', v);
}
function optionalPositiveInt(name: string, v: number | undefined): number | undefined {
  return v === undefined ? undefined : positiveInt(name, v);
}
function nonNegativeInt(name: string, v: number): number {
  return Number.isSafeInteger(v) && v >= 0 ? v : fail(name, 'an integer >= 0', v);
}
function positiveNumber(name: string, v: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fail(name, 'a number > 0', v);
}
function nonNegative(name: string, v: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(name, 'a finite number >= 0', v);
}
function nonNegativeOrInfinite(name: string, v: number): number {
  return typeof v === 'number' && v >= 0 ? v : fail(name, 'a number >= 0 (0 or Infinity: off)', v);
}
function unitInterval(name: string, v: number): number {
  return typeof v === 'number' && v >= 0 && v < 1 ? v : fail(name, 'in [0, 1)', v);
}
function ratio(name: string, v: number): number {
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : fail(name, 'in [0, 1]', v);
}
function strategy(name: string, v: string): IntervalStrategy {
  return v === 'no' || v === 'steps' || v === 'epoch' ? v : fail(name, "'no', 'steps' or 'epoch'", v);
}
