/**
 * Turns what a user passes as training or evaluation data into encoded examples for one task:
 *   classification  {inputIds, label} as they are, or {text, label} tokenized with the model's tokenizer
 *   causal LM       {inputIds, labels} as they are (IGNORE_INDEX skipped), {inputIds} (plain LM),
 *                   {prompt, completion} (loss on the completion only) or {text} (plain LM) tokenized
 * Every example is checked before any training starts.
 */
import { Dataset } from '../data/dataset';
import { encodeSft, IGNORE_INDEX, type CausalLmExample } from '../data/encode/causalLm';
import { encodeText, type ClassificationExample } from '../data/encode/classification';
import { LabelMap } from '../data/labelMap';
import type { RawLabel } from '../data/records';
import { resolvePadTokenId } from '../data/tokenizerLike';
import type { Model } from '../models/model';
import type { TrainTask } from './trainOptions';
import { TrainerError } from './trainerError';

export type TextRecord = { text: string };
export type TrainRecord =
  | ClassificationExample
  | CausalLmExample
  | { inputIds: number[] }
  | { text: string; label: RawLabel }
  | { prompt: string; completion: string }
  | TextRecord;

/** A Dataset or an array of records of one kind. */
export type TrainData =
  Dataset<TrainRecord> | readonly TrainRecord[] | Dataset<ClassificationExample> | Dataset<CausalLmExample>;

export type PreparedData =
  | { task: 'classification'; examples: ClassificationExample[]; labelNames?: string[] }
  | { task: 'causal-lm'; examples: CausalLmExample[] };

type RecordKind = 'encoded-classification' | 'encoded-lm' | 'ids-only' | 'text-label' | 'prompt-completion' | 'text';

export interface PrepareOptions {
  task?: TrainTask;
  maxLength?: number;
  labels?: readonly string[];
  /** Which set this is, for messages ('training data', 'evalData'). */
  what: string;
}

export function prepareData(model: Model, data: TrainData, options: PrepareOptions): PreparedData {
  const records = toArray(data, options.what);
  const kind = kindOf(records[0], `${options.what}[0]`);
  records.forEach((r, i) => {
    const k = kindOf(r, `${options.what}[${i}]`);
    if (k !== kind)
      throw new TrainerError(
        `${options.what}[${i}] is a ${describeKind(k)} record but ${options.what}[0] is a ${describeKind(kind)} record; use one kind`,
      );
  });
  const task = taskOf(kind);
  if (options.task !== undefined && options.task !== task) {
    throw new TrainerError(`task '${options.task}' does not fit ${describeKind(kind)} records in ${options.what}`);
  }
  const maxLength = options.maxLength ?? maxPositions(model);
  if (task === 'classification') {
    const { examples, labelNames } = classificationExamples(model, records, kind, maxLength, options);
    examples.forEach((e, i) => checkIds(e.inputIds, model, maxLength, `${options.what}[${i}].inputIds`));
    return { task, examples, labelNames };
  }
  const examples = causalExamples(model, records, kind, maxLength, options.what);
  examples.forEach((e, i) => {
    checkIds(e.inputIds, model, maxLength, `${options.what}[${i}].inputIds`);
    if (e.labels.length !== e.inputIds.length)
      throw new TrainerError(
        `${options.what}[${i}]: labels has ${e.labels.length} entries, inputIds ${e.inputIds.length}`,
      );
    e.labels.forEach((l, t) => {
      if (l !== IGNORE_INDEX && (!Number.isInteger(l) || l < 0))
        throw new TrainerError(`${options.what}[${i}].labels[${t}] = ${l} is neither a token id nor ${IGNORE_INDEX}`);
    });
  });
  if (!examples.some((e) => e.labels.slice(1).some((l) => l !== IGNORE_INDEX))) {
    throw new TrainerError(
      `${options.what} has no token to predict: every label after the first position is ${IGNORE_INDEX} (or sequences are 1 token long)`,
    );
  }
  return { task, examples };
}

/**
 * The id batches are padded with (masked, so any valid id works): the option, else the tokenizer's pad/EOS, else
 * config.pad_token_id / eos_token_id when inside the vocabulary, else 0.
 */
export function padTokenIdFor(model: Model, override?: number): number {
  if (override !== undefined) return override;
  if (model.tokenizer && (model.tokenizer.padTokenId !== undefined || model.tokenizer.eosTokenId !== undefined)) {
    return resolvePadTokenId(model.tokenizer);
  }
  const vocab = model.config.vocab_size;
  const fromConfig = [model.config.pad_token_id, model.config.eos_token_id].find(
    (v) => Number.isInteger(v) && v >= 0 && (!Number.isInteger(vocab) || v < vocab),
  );
  return (fromConfig as number | undefined) ?? 0;
}

/** The model's longest sequence, from its config. */
export function maxPositions(model: Model): number | undefined {
  const c = model.config;
  const value = c.n_positions ?? c.max_position_embeddings ?? c.n_ctx;
  return Number.isInteger(value) ? value : undefined;
}

function toArray(data: TrainData, what: string): readonly unknown[] {
  const records = data instanceof Dataset ? data.examples : data;
  if (!Array.isArray(records))
    throw new TrainerError(`${what} must be a Dataset or an array of records, got ${typeof data}`);
  if (records.length === 0) throw new TrainerError(`${what} is empty`);
  return records;
}

function kindOf(record: unknown, where: string): RecordKind {
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    throw new TrainerError(`${where} must be an object record, got ${JSON.stringify(record)}`);
  const r = record as Record<string, unknown>;
  const has = (key: string) => r[key] !== undefined;
  if (has('inputIds')) {
    if (!Array.isArray(r.inputIds)) throw new TrainerError(`${where}.inputIds must be an array of token ids`);
    if (has('label')) return 'encoded-classification';
    if (has('labels')) return 'encoded-lm';
    return 'ids-only';
  }
  if (has('prompt') && has('completion')) return 'prompt-completion';
  if (typeof r.text === 'string') return has('label') ? 'text-label' : 'text';
  throw new TrainerError(
    `${where} has fields ${JSON.stringify(Object.keys(r))}; expected {text, label}, {prompt, completion}, {text}, {inputIds, label}, {inputIds, labels} or {inputIds}`,
  );
}

function describeKind(kind: RecordKind): string {
  return {
    'encoded-classification': '{inputIds, label}',
    'encoded-lm': '{inputIds, labels}',
    'ids-only': '{inputIds}',
    'text-label': '{text, label}',
    'prompt-completion': '{prompt, completion}',
    text: '{text}',
  }[kind];
}

function taskOf(kind: RecordKind): TrainTask {
  return kind === 'encoded-classification' || kind === 'text-label' ? 'classification' : 'causal-lm';
}

function needTokenizer(model: Model, what: string, kind: RecordKind) {
  if (!model.tokenizer) {
    throw new TrainerError(
      `${what} holds ${describeKind(kind)} records, which need a tokenizer, but the model has none; set model.tokenizer or pass token ids`,
    );
  }
  return model.tokenizer;
}

function classificationExamples(
  model: Model,
  records: readonly unknown[],
  kind: RecordKind,
  maxLength: number | undefined,
  options: PrepareOptions,
) {
  if (kind === 'encoded-classification') {
    const examples = (records as ClassificationExample[]).map((r, i) => {
      if (!Number.isInteger(r.label) || r.label < 0)
        throw new TrainerError(
          `${options.what}[${i}].label must be a class id (integer >= 0), got ${JSON.stringify(r.label)}`,
        );
      return { inputIds: r.inputIds, label: r.label };
    });
    return { examples, labelNames: undefined };
  }
  const tokenizer = needTokenizer(model, options.what, kind);
  const rows = records as { text: string; label: RawLabel }[];
  const labelMap = labelMapFor(
    model,
    rows.map((r) => r.label),
    options.labels,
  );
  const examples = rows.map((r, i) => {
    const id = labelMap.idOf(r.label);
    if (id === undefined)
      throw new TrainerError(
        `${options.what}[${i}].label ${JSON.stringify(r.label)} is not one of the labels ${labelMap.names.join(', ')}`,
      );
    return { inputIds: encodeText(tokenizer, r.text, { maxLength }), label: id };
  });
  return { examples, labelNames: [...labelMap.names] };
}

/** Explicit names, else the model's label2id when it names every string label, else the labels sorted. */
function labelMapFor(model: Model, labels: RawLabel[], names: readonly string[] | undefined): LabelMap {
  if (names) return LabelMap.fromNames(names);
  const id2label = model.config.id2label as Record<string, string> | undefined;
  if (id2label && labels.every((l) => typeof l === 'number' || Object.values(id2label).includes(l))) {
    try {
      return LabelMap.fromConfig({ id2label });
    } catch {
      // not a 0..n-1 map: fall back to the data's labels
    }
  }
  return LabelMap.fromLabels(labels);
}

function causalExamples(
  model: Model,
  records: readonly unknown[],
  kind: RecordKind,
  maxLength: number | undefined,
  what: string,
): CausalLmExample[] {
  switch (kind) {
    case 'encoded-lm':
      return (records as CausalLmExample[]).map((r) => ({ inputIds: r.inputIds, labels: r.labels }));
    case 'ids-only':
      return (records as { inputIds: number[] }[]).map((r) => ({ inputIds: r.inputIds, labels: r.inputIds }));
    case 'prompt-completion': {
      const tokenizer = needTokenizer(model, what, kind);
      return (records as { prompt: string; completion: string }[]).map((r, i) => {
        if (typeof r.prompt !== 'string' || typeof r.completion !== 'string')
          throw new TrainerError(`${what}[${i}]: prompt and completion must be strings`);
        return encodeSft(tokenizer, r.prompt, r.completion, { maxLength });
      });
    }
    case 'text': {
      const tokenizer = needTokenizer(model, what, kind);
      return (records as TextRecord[]).map((r) => {
        const ids = tokenizer.encode(r.text, { addSpecialTokens: true });
        if (tokenizer.eosTokenId !== undefined && ids.at(-1) !== tokenizer.eosTokenId) ids.push(tokenizer.eosTokenId);
        const kept = maxLength === undefined ? ids : ids.slice(0, maxLength);
        return { inputIds: kept, labels: kept };
      });
    }
    default:
      throw new TrainerError(`internal: ${kind} records are not causal LM data`);
  }
}

function checkIds(ids: readonly number[], model: Model, maxLength: number | undefined, where: string): void {
  if (ids.length === 0) throw new TrainerError(`${where} is empty`);
  if (maxLength !== undefined && ids.length > maxLength) {
    throw new TrainerError(
      `${where} has ${ids.length} tokens, more than the ${maxLength} the model takes; truncate with maxLength when encoding`,
    );
  }
  const vocab = model.config.vocab_size;
  ids.forEach((id, t) => {
    if (!Number.isInteger(id) || id < 0 || (Number.isInteger(vocab) && id >= vocab)) {
      throw new TrainerError(`${where}[${t}] = ${id} is not a token id of the model's ${vocab}-token vocabulary`);
    }
  });
}
