/**
 * `sweepFreeze(model, { train, eval }, { ks, epochs, ... })`: the accuracy-versus-cost trade-off of freezing.
 * Trains the same classification task several ways, each starting from the same pretrained weights (snapshotted
 * before the first run and restored before every run):
 *   freeze k      embeddings + the first k transformer blocks frozen (k = 0: full fine-tuning), fresh head
 *   head only     the whole backbone frozen, only the fresh classification head trains
 *   features      `embed` vectors of the frozen model + logistic regression
 * and reports each one's eval accuracy, training time and trainable parameters, drawn in the cell as a table
 * and an SVG chart. The model is left with its pretrained weights and trainable flags as they were.
 */
import * as tf from '@tensorflow/tfjs-core';
import { embed } from '../features/embed';
import { logisticRegression } from '../features/logisticRegression';
import { addClassificationHead } from '../heads/addHead';
import { HeadModel } from '../heads/headModel';
import type { Pooling } from '../heads/pooling';
import type { LayerInfo, Model } from '../models/model';
import { display } from '../runtime/kernelBridge';
import { throwIfStopped } from '../train/stopping';
import { train } from '../train/trainer';
import type { TrainOptions } from '../train/trainOptions';
import { freeze } from '../tuners/freeze';
import { sweepChartSvg } from './sweepChart';

export type SweepLabel = string | number;

export interface SweepData {
  train: ReadonlyArray<{ text: string; label: SweepLabel }>;
  eval: ReadonlyArray<{ text: string; label: SweepLabel }>;
}

export interface SweepFreezeOptions {
  /** Frozen-block counts to try; default 0..L (L = the model's number of blocks). */
  ks?: readonly number[];
  /** Default 3. */
  epochs?: number;
  /** Default 8. */
  batchSize?: number;
  /** Default 5e-5. */
  learningRate?: number;
  /** Seeds the heads and the trainer; default 42. */
  seed?: number;
  /** Include the head-only run; default true. */
  headOnly?: boolean;
  /** Include embed + logistic regression; default true. */
  featureBased?: boolean;
  /** Pooling of the feature-based run; default 'mean'. */
  pooling?: Pooling;
  /** Any other trainer options, applied to every fine-tuning run. */
  trainOptions?: Omit<TrainOptions, 'epochs' | 'batchSize' | 'learningRate' | 'seed' | 'evalData' | 'labels'>;
  /** Draw the table and the chart in the cell; default true. */
  show?: boolean;
}

export interface SweepRow {
  method: string;
  kind: 'freeze' | 'head-only' | 'features';
  /** Frozen transformer blocks (the head-only run freezes all of them and the rest of the backbone). */
  frozenBlocks: number | null;
  accuracy: number;
  /** Eval loss (cross-entropy; the feature run's is its log loss). */
  evalLoss: number;
  /** Training time in seconds (features: embedding the training texts + fitting). */
  trainSeconds: number;
  trainableParams: number;
  totalParams: number;
}

export interface SweepResult {
  rows: SweepRow[];
  /** The chart as standalone SVG markup. */
  svg: string;
  numBlocks: number;
}

export async function sweepFreeze(
  model: Model,
  data: SweepData,
  options: SweepFreezeOptions = {},
): Promise<SweepResult> {
  const base = model instanceof HeadModel ? model.backbone : model;
  checkData(data);
  const numBlocks = countBlocks(base.layers());
  const ks = options.ks ?? Array.from({ length: numBlocks + 1 }, (_, k) => k);
  ks.forEach((k) => {
    if (!Number.isSafeInteger(k) || k < 0 || k > numBlocks)
      throw new RangeError(`ks must hold integers in 0..${numBlocks} (the model has ${numBlocks} blocks), got ${k}`);
  });
  const classes = [...new Set(data.train.map((r) => r.label))].sort((a, b) =>
    typeof a === 'number' ? (a as number) - (b as number) : String(a) < String(b) ? -1 : 1,
  );
  const stringLabels = typeof classes[0] === 'string';
  const numLabels = stringLabels ? classes.length : Math.max(...(classes as number[])) + 1;
  const seed = options.seed ?? 42;
  const trainOpts: TrainOptions = {
    ...options.trainOptions,
    epochs: options.epochs ?? 3,
    batchSize: options.batchSize ?? 8,
    learningRate: options.learningRate ?? 5e-5,
    seed,
    evalData: data.eval as never,
    labels: stringLabels ? (classes as string[]) : undefined,
    progress: options.trainOptions?.progress ?? false,
  };

  const pretrained = snapshot(base);
  const rows: SweepRow[] = [];
  try {
    for (const k of ks) {
      rows.push(
        await fineTuneRun(base, pretrained, data, trainOpts, numLabels, seed, {
          kind: 'freeze',
          k,
          method: k === 0 ? 'full (k=0)' : `freeze k=${k}`,
        }),
      );
    }
    if (options.headOnly ?? true) {
      rows.push(
        await fineTuneRun(base, pretrained, data, trainOpts, numLabels, seed, {
          kind: 'head-only',
          k: numBlocks,
          method: 'head only',
        }),
      );
    }
    if (options.featureBased ?? true) {
      throwIfStopped(undefined, 'sweepFreeze');
      pretrained.restore();
      rows.push(await featureRun(base, data, options.pooling ?? 'mean'));
    }
  } finally {
    pretrained.restore();
    pretrained.dispose();
  }
  const svg = sweepChartSvg(
    rows,
    `Freeze sweep: accuracy vs cost (${data.train.length} train / ${data.eval.length} eval)`,
  );
  if (options.show ?? true) {
    display().table(rows.map(displayRow));
    display().html(svg);
  }
  return { rows, svg, numBlocks };
}

interface RunSpec {
  kind: 'freeze' | 'head-only';
  k: number;
  method: string;
}

async function fineTuneRun(
  base: Model,
  pretrained: Snapshot,
  data: SweepData,
  trainOpts: TrainOptions,
  numLabels: number,
  seed: number,
  spec: RunSpec,
): Promise<SweepRow> {
  throwIfStopped(undefined, 'sweepFreeze'); // an interrupted run returns early; stop the sweep instead of starting the next one
  pretrained.restore();
  const head = addClassificationHead(base, { numLabels, seed });
  try {
    if (spec.kind === 'head-only') for (const v of base.params.values()) v.trainable = false;
    else if (spec.k > 0) freeze(head, { firstBlocks: spec.k });
    const result = await train(head, data.train as never, { ...trainOpts, title: spec.method });
    const finalEval: Partial<Record<string, number>> = { ...result.finalEval };
    return {
      method: spec.method,
      kind: spec.kind,
      frozenBlocks: spec.k,
      accuracy: Number(finalEval.eval_accuracy ?? NaN),
      evalLoss: Number(finalEval.eval_loss ?? NaN),
      trainSeconds: result.trainTimeMs / 1000,
      trainableParams: result.trainableParams,
      totalParams: result.totalParams,
    };
  } finally {
    for (const v of head.headParams().values()) v.dispose();
  }
}

async function featureRun(base: Model, data: SweepData, pooling: Pooling): Promise<SweepRow> {
  const started = performance.now();
  const trainX = await embed(
    base,
    data.train.map((r) => r.text),
    { pooling },
  );
  const classifier = logisticRegression(
    trainX,
    data.train.map((r) => r.label),
  );
  const trainSeconds = (performance.now() - started) / 1000;
  const evalX = await embed(
    base,
    data.eval.map((r) => r.text),
    { pooling },
  );
  const scores = classifier.evaluate(
    evalX,
    data.eval.map((r) => r.label),
  );
  const weights = classifier.coef.length * (classifier.numFeatures + 1);
  let total = 0;
  for (const v of base.params.values()) total += v.size;
  return {
    method: 'features + LR',
    kind: 'features',
    frozenBlocks: null,
    accuracy: scores.accuracy,
    evalLoss: scores.logLoss,
    trainSeconds,
    trainableParams: weights,
    totalParams: total + weights,
  };
}

interface Snapshot {
  restore(): void;
  dispose(): void;
}

/** Copies of every parameter's values and trainable flag. */
function snapshot(model: Model): Snapshot {
  const saved = [...model.params.values()].map((v) => ({ variable: v, value: tf.clone(v), trainable: v.trainable }));
  return {
    restore: () =>
      saved.forEach(({ variable, value, trainable }) => {
        variable.assign(value);
        variable.trainable = trainable;
      }),
    dispose: () => saved.forEach(({ value }) => value.dispose()),
  };
}

function countBlocks(layers: LayerInfo[]): number {
  for (const layer of layers) {
    if (layer.kind === 'ModuleList' && (layer.children?.length ?? 0) > 0) return layer.children!.length;
    const inner = layer.children ? countBlocks(layer.children) : 0;
    if (inner > 0) return inner;
  }
  return 0;
}

function checkData(data: SweepData): void {
  for (const part of ['train', 'eval'] as const) {
    const rows = data?.[part];
    if (!Array.isArray(rows) || rows.length === 0)
      throw new RangeError(`sweepFreeze(model, data): data.${part} must be a non-empty array of { text, label }`);
    rows.forEach((r, i) => {
      if (!r || typeof r.text !== 'string' || (typeof r.label !== 'string' && typeof r.label !== 'number')) {
        throw new RangeError(`data.${part}[${i}] must be { text: string, label: string | number }`);
      }
    });
  }
}

function displayRow(r: SweepRow): Record<string, string | number> {
  return {
    method: r.method,
    accuracy: `${(100 * r.accuracy).toFixed(1)}%`,
    'eval loss': Number(r.evalLoss.toFixed(4)),
    'train time': `${r.trainSeconds.toFixed(2)} s`,
    'trainable params': r.trainableParams.toLocaleString('en-US'),
    'trainable %': `${((100 * r.trainableParams) / r.totalParams).toFixed(1)}%`,
  };
}
