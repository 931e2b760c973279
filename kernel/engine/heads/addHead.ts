/**
 * `addClassificationHead(model, options)` / `addScalarHead(model, options)`: put a fresh sequence-classification
 * head (or a one-output scalar head, e.g. for a reward model) on any backbone — a bare `GPT2Model`, an LM, a
 * loaded `DistilBertForSequenceClassification` whose head is replaced, or a head model from here. The backbone's
 * variables are reused untouched; the previous head (LM head, old classifier) is no longer part of the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readHfFolder } from '../io/hfFolder';
import type { Model } from '../models/model';
import { headLayout, type HeadPooling } from './headLayout';
import { HeadLinear } from './headLinear';
import { HeadModel } from './headModel';

/** Seed of a new head when the options give none. */
export const DEFAULT_HEAD_SEED = 42;

export interface ScalarHeadOptions {
  /** Default: the architecture's Hugging Face choice (GPT-2 'last', DistilBERT/ViT 'cls', BERT 'pooler'). */
  pooling?: HeadPooling;
  /** Dropout before the output layer while training; default: the config's classifier dropout (HF's). */
  dropout?: number;
  /** Seeds the head's initialisation; default 42, so two heads built alike start alike. */
  seed?: number;
}

export interface ClassificationHeadOptions extends ScalarHeadOptions {
  /** Default: the number of labels in id2label, else 2. */
  numLabels?: number;
  /** Class names by id: ['neg', 'pos'] or { 0: 'neg', 1: 'pos' }. Default LABEL_0, LABEL_1, ... */
  id2label?: readonly string[] | Record<string | number, string>;
}

export function addClassificationHead(model: Model, options: ClassificationHeadOptions = {}): HeadModel {
  const labels = labelNames(options);
  return build(model, labels.length, labels, false, options);
}

/** A head with one output; logits are [batch] (a reward model's scores). Saved as `*ForSequenceClassification` with num_labels 1. */
export function addScalarHead(model: Model, options: ScalarHeadOptions = {}): HeadModel {
  return build(model, 1, ['LABEL_0'], true, options);
}

/**
 * Copies the head's weights from a Hugging Face folder saved with this head (e.g. `GPT2ForSequenceClassification`,
 * which `load()` reads as a bare backbone). Checks every tensor before changing any.
 */
export async function loadHeadWeights(model: HeadModel, dir: string): Promise<void> {
  const folder = await readHfFolder(dir);
  const updates: Array<[tf.Variable, Float32Array]> = [];
  for (const [name, variable] of model.headParams()) {
    const entry = folder.weights.get(name);
    if (!entry) throw new RangeError(`${dir} has no ${name}: it was not saved with a ${model.architecture} head`);
    if (entry.shape.length !== variable.shape.length || entry.shape.some((d, i) => d !== variable.shape[i])) {
      throw new RangeError(
        `${dir}: ${name} has shape [${entry.shape.join(', ')}], the head needs [${variable.shape.join(', ')}]`,
      );
    }
    if (!(entry.data instanceof Float32Array))
      throw new RangeError(`${dir}: ${name} is ${entry.dtype}, not a float tensor`);
    updates.push([variable, entry.data]);
  }
  for (const [variable, data] of updates) tf.tidy(() => variable.assign(tf.tensor(data, variable.shape, 'float32')));
}

function build(
  model: Model,
  numLabels: number,
  labels: string[],
  scalar: boolean,
  options: ScalarHeadOptions,
): HeadModel {
  const backbone = model instanceof HeadModel ? model.backbone : model;
  const layout = headLayout(backbone.modelType);
  const pooling = options.pooling ?? layout.defaultPooling;
  if (!layout.poolings.includes(pooling)) {
    throw new RangeError(
      `pooling ${JSON.stringify(pooling)} is not available for ${backbone.modelType}; choose one of ${layout.poolings.join(', ')}`,
    );
  }
  const dropout = options.dropout ?? layout.dropout(backbone.config);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    throw new RangeError(`head dropout must be in [0, 1), got ${dropout}`);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw new RangeError(`seed must be an integer, got ${options.seed}`);
  const hidden = layout.hiddenSize(backbone.config);
  if (!Number.isSafeInteger(hidden) || hidden < 1)
    throw new RangeError(`cannot read the hidden size from the ${backbone.modelType} config`);
  const std = typeof backbone.config.initializer_range === 'number' ? backbone.config.initializer_range : 0.02;
  const seed = options.seed ?? DEFAULT_HEAD_SEED;
  const seedAt = (i: number) => seed + i;
  const linears: HeadLinear[] = [];
  if (layout.preClassifier)
    linears.push(new HeadLinear('pre_classifier', hidden, hidden, { bias: true, std, seed: seedAt(0) }));
  linears.push(new HeadLinear(layout.outputName, hidden, numLabels, { bias: layout.outputBias, std, seed: seedAt(1) }));
  return new HeadModel({ backbone, layout, pooling, dropout, linears, numLabels, scalar, labels });
}

function labelNames(options: ClassificationHeadOptions): string[] {
  let names: string[] | undefined;
  if (Array.isArray(options.id2label)) names = options.id2label.map(String);
  else if (options.id2label !== undefined) {
    const entries = Object.entries(options.id2label as Record<string, string>).map(
      ([id, name]) => [Number(id), String(name)] as const,
    );
    entries.sort((a, b) => a[0] - b[0]);
    entries.forEach(([id], i) => {
      if (id !== i)
        throw new RangeError(
          `id2label ids must be 0..n-1, got ${JSON.stringify(Object.keys(options.id2label as object))}`,
        );
    });
    names = entries.map(([, name]) => name);
  }
  const numLabels = options.numLabels ?? names?.length ?? 2;
  if (!Number.isSafeInteger(numLabels) || numLabels < 1)
    throw new RangeError(`numLabels must be an integer >= 1, got ${numLabels}`);
  if (names && names.length !== numLabels)
    throw new RangeError(`id2label names ${names.length} labels but numLabels is ${numLabels}`);
  if (names && new Set(names).size !== names.length)
    throw new RangeError(`id2label names must be unique, got ${JSON.stringify(names)}`);
  return names ?? Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`);
}
