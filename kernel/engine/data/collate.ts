/**
 * Turns a list of encoded examples into one padded batch (plain arrays), and a batch into int32
 * tensors for the model. Padding positions carry IGNORE_INDEX in `labels`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLmExample, PreferenceExample } from './encode/causalLm';
import { IGNORE_INDEX } from './encode/causalLm';
import type { ClassificationExample } from './encode/classification';
import { padBatch, paddedLength, padTo, type PadOptions } from './padding';

export interface ClassificationBatch {
  inputIds: number[][]; // [B, T]
  attentionMask: number[][]; // [B, T]
  labels: number[]; // [B]
}

export interface CausalLmBatch {
  inputIds: number[][]; // [B, T]
  attentionMask: number[][]; // [B, T]
  labels: number[][]; // [B, T]
}

export interface PreferenceBatch {
  chosenInputIds: number[][]; // [B, T]
  chosenAttentionMask: number[][]; // [B, T]
  chosenLabels: number[][]; // [B, T]
  rejectedInputIds: number[][]; // [B, T], same T as chosen
  rejectedAttentionMask: number[][];
  rejectedLabels: number[][];
}

export interface CollateOptions extends PadOptions {
  padTokenId: number;
}

export function collateClassification(
  examples: readonly ClassificationExample[],
  options: CollateOptions,
): ClassificationBatch {
  checkNotEmpty(examples);
  return {
    ...padBatch(
      examples.map((e) => e.inputIds),
      options.padTokenId,
      options,
    ),
    labels: examples.map((e) => e.label),
  };
}

export function collateCausalLm(examples: readonly CausalLmExample[], options: CollateOptions): CausalLmBatch {
  checkNotEmpty(examples);
  const length = paddedLength(
    examples.map((e) => e.inputIds),
    options,
  );
  const fixed = { ...options, length, multipleOf: undefined };
  return {
    ...padBatch(
      examples.map((e) => e.inputIds),
      options.padTokenId,
      fixed,
    ),
    labels: padTo(
      examples.map((e) => e.labels),
      IGNORE_INDEX,
      length,
      options.side,
    ),
  };
}

/** Chosen and rejected sequences padded to one shared length, so they can be stacked. */
export function collatePreference(examples: readonly PreferenceExample[], options: CollateOptions): PreferenceBatch {
  checkNotEmpty(examples);
  const all = examples.flatMap((e) => [e.chosen, e.rejected]);
  const length = paddedLength(
    all.map((e) => e.inputIds),
    options,
  );
  const fixed = { ...options, length, multipleOf: undefined };
  const chosen = collateCausalLm(
    examples.map((e) => e.chosen),
    fixed,
  );
  const rejected = collateCausalLm(
    examples.map((e) => e.rejected),
    fixed,
  );
  return {
    chosenInputIds: chosen.inputIds,
    chosenAttentionMask: chosen.attentionMask,
    chosenLabels: chosen.labels,
    rejectedInputIds: rejected.inputIds,
    rejectedAttentionMask: rejected.attentionMask,
    rejectedLabels: rejected.labels,
  };
}

export type IntTensors<B> = { [K in keyof B]: tf.Tensor };

/** Every field of a batch as an int32 tensor ([B] or [B, T]). The caller disposes them. */
export function batchToTensors<B extends object>(batch: B): IntTensors<B> {
  const tensors = {} as Record<string, tf.Tensor>;
  for (const [name, value] of Object.entries(batch) as [string, number[] | number[][]][]) {
    tensors[name] = toInt32Tensor(value, name);
  }
  return tensors as IntTensors<B>;
}

function toInt32Tensor(value: number[] | number[][], name: string): tf.Tensor {
  if (value.length > 0 && Array.isArray(value[0])) {
    const rows = value as number[][];
    const width = rows[0].length;
    const flat = new Int32Array(rows.length * width);
    rows.forEach((row, i) => {
      if (row.length !== width)
        throw new RangeError(`batch field ${name}: row ${i} has ${row.length} entries, row 0 has ${width}`);
      flat.set(row, i * width);
    });
    return tf.tensor2d(flat, [rows.length, width], 'int32');
  }
  return tf.tensor1d(Int32Array.from(value as number[]), 'int32');
}

function checkNotEmpty(examples: readonly unknown[]): void {
  if (examples.length === 0) throw new RangeError('cannot collate an empty batch');
}
