import * as tf from '@tensorflow/tfjs-core';
import type { Tokenizer } from '../io/tokenizer';
import type { ForwardOptions, ModelInput } from './model';
import { ModelInputError } from './modelInputError';
import type { Batch, Network } from './network';

/**
 * Turns what a user passes to `logits` / `hidden` into validated tensors. Call inside a tidy: the tensors made
 * here are intermediates; tensors the user passed in are used as they are (never disposed here).
 */
export function toBatch(
  input: ModelInput,
  opts: ForwardOptions,
  net: Network,
  architecture: string,
  tokenizer: Tokenizer | undefined,
): Batch {
  const fail = (problem: string): never => {
    throw new ModelInputError(architecture, problem);
  };
  if (net.inputKind === 'pixels') return { pixels: toPixels(input, net, fail) };

  let mask = opts.attentionMask;
  let ids: tf.Tensor2D;
  if (typeof input === 'string' || (Array.isArray(input) && input.length > 0 && typeof input[0] === 'string')) {
    const texts = typeof input === 'string' ? [input] : (input as string[]);
    const encoded = encodeTexts(texts, tokenizer, fail);
    ids = tf.tensor2d(encoded.ids, undefined, 'int32');
    mask = mask ?? encoded.mask;
  } else {
    ids = toIntMatrix(input as number[][] | number[] | tf.Tensor, 'input ids', fail, net.vocabSize);
  }
  const [B, T] = ids.shape;
  if (T === 0) fail('the input has no tokens');
  if (net.maxPositions !== undefined && T > net.maxPositions) {
    fail(`sequence length ${T} exceeds the model's ${net.maxPositions} positions`);
  }
  const sameShape = (t: tf.Tensor2D, what: string) => {
    if (t.shape[0] !== B || t.shape[1] !== T) fail(`${what} has shape [${t.shape}], the input ids [${B}, ${T}]`);
    return t;
  };
  const batch: Batch = { ids };
  if (mask !== undefined) batch.attentionMask = sameShape(toIntMatrix(mask, 'attentionMask', fail, 2), 'attentionMask');
  if (opts.tokenTypeIds !== undefined) {
    if (!architecture.startsWith('Bert')) fail('tokenTypeIds are only used by BERT');
    batch.tokenTypeIds = sameShape(toIntMatrix(opts.tokenTypeIds, 'tokenTypeIds', fail), 'tokenTypeIds');
  }
  if (opts.positionIds !== undefined) {
    if (!architecture.startsWith('Bert') && !architecture.startsWith('GPT2'))
      fail('positionIds are only used by GPT-2 and BERT');
    batch.positionIds = sameShape(toIntMatrix(opts.positionIds, 'positionIds', fail, net.maxPositions), 'positionIds');
  }
  return batch;
}

/** number[][] / number[] / tensor → int32 [B, T]; plain arrays are checked for integers in [0, limit). */
function toIntMatrix(
  value: number[][] | number[] | tf.Tensor,
  what: string,
  fail: (p: string) => never,
  limit?: number,
): tf.Tensor2D {
  if (value instanceof tf.Tensor) {
    if (value.rank === 1) return tf.reshape(tf.cast(value, 'int32'), [1, -1]) as tf.Tensor2D;
    if (value.rank !== 2) fail(`${what} must be [batch, seq], got a rank-${value.rank} tensor`);
    return (value.dtype === 'int32' ? value : tf.cast(value, 'int32')) as tf.Tensor2D;
  }
  if (!Array.isArray(value) || value.length === 0) fail(`${what} must be a non-empty number[][] or a tensor`);
  const rows = (typeof value[0] === 'number' ? [value] : value) as unknown[];
  const width = Array.isArray(rows[0]) ? rows[0].length : -1;
  const flat = new Int32Array(rows.length * Math.max(width, 0));
  rows.forEach((row, r) => {
    if (!Array.isArray(row)) fail(`${what}[${r}] is not an array`);
    if (row.length !== width)
      fail(`${what} rows differ in length (${width} and ${row.length}); pad them and pass an attentionMask`);
    row.forEach((x, c) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || (limit !== undefined && x >= limit)) {
        fail(`${what}[${r}][${c}] = ${JSON.stringify(x)} is not an integer in [0, ${limit ?? '∞'})`);
      }
      flat[r * width + c] = x;
    });
  });
  return tf.tensor2d(flat, [rows.length, width], 'int32');
}

/** Encodes texts with special tokens; several texts are right-padded and get a mask. */
function encodeTexts(texts: string[], tokenizer: Tokenizer | undefined, fail: (p: string) => never) {
  if (!tokenizer) {
    fail(
      'text input needs a tokenizer, but this model has none (no tokenizer.json); pass token ids (number[][]) or an int32 tensor',
    );
  }
  const encoded = texts.map((t) => tokenizer!.encode(t));
  const T = Math.max(...encoded.map((e) => e.length));
  const pad = tokenizer!.padTokenId ?? tokenizer!.eosTokenId ?? 0;
  const ids = encoded.map((e) => [...e, ...new Array<number>(T - e.length).fill(pad)]);
  const ragged = encoded.some((e) => e.length !== T);
  const mask = ragged
    ? encoded.map((e) => [...new Array<number>(e.length).fill(1), ...new Array<number>(T - e.length).fill(0)])
    : undefined;
  return { ids, mask };
}

function toPixels(input: ModelInput, net: Network, fail: (p: string) => never): tf.Tensor4D {
  if (!(input instanceof tf.Tensor) || input.rank !== 4) {
    fail('expects preprocessed pixels as a float tf.Tensor4D [batch, height, width, channels] (NHWC)');
  }
  const t = input as tf.Tensor4D;
  const [, H, W, ch] = t.shape;
  if (H !== net.imageSize || W !== net.imageSize)
    fail(`image is ${H}×${W}, the model expects ${net.imageSize}×${net.imageSize}`);
  if (ch !== net.numChannels) fail(`image has ${ch} channels (last axis, NHWC), the model expects ${net.numChannels}`);
  return t.dtype === 'float32' ? t : (tf.cast(t, 'float32') as tf.Tensor4D);
}
