import * as tf from '@tensorflow/tfjs-core';
import type { Tokenizer } from '../io/tokenizer';
import { ModelInputError } from '../models/modelInputError';
import type { CausalLm, KeyValue } from '../models/network';
import { currentSignal } from '../runtime/kernelBridge';
import { Rng } from '../train/rng';
import { chooseToken, type SamplingSettings } from './sampler';
import type { FinishReason, GenerateOptions, GenerateResult } from './types';

const DEFAULT_MAX_NEW_TOKENS = 32;

/**
 * Autoregressive decoding with a KV cache: one forward pass over the prompt, then one single-token pass per new
 * token reusing every layer's cached keys/values. Greedy unless `temperature` > 0.
 */
export async function generate(
  lm: CausalLm,
  architecture: string,
  tokenizer: Tokenizer | undefined,
  prompt: string | number[],
  opts: GenerateOptions,
): Promise<GenerateResult> {
  const fail = (problem: string): never => {
    throw new ModelInputError(architecture, problem);
  };
  const settings = samplingSettings(opts, fail);
  const maxNewTokens = opts.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0)
    fail(`maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  const promptIds = promptToIds(prompt, tokenizer, lm.vocabSize, fail);
  if (promptIds.length > lm.maxPositions)
    fail(`prompt has ${promptIds.length} tokens; the context holds ${lm.maxPositions}`);
  const { stopIds, stopStrings } = stopCriteria(opts.stop, tokenizer, fail);
  const eos = new Set(opts.ignoreEos ? [] : lm.eosTokenIds);
  const rng = Rng.fromSeed(opts.seed ?? Math.floor(Math.random() * 2 ** 32));
  const signal = opts.signal ?? currentSignal();

  const start = performance.now();
  let prefillEnd = start;
  const ids: number[] = [];
  let finishReason: FinishReason = 'length';
  let cutAt: number | undefined;
  let cache: KeyValue[] | undefined;
  let input: tf.Tensor2D | undefined;
  try {
    let next: number[] = promptIds;
    while (ids.length < maxNewTokens) {
      if (promptIds.length + ids.length >= lm.maxPositions) {
        finishReason = 'context';
        break;
      }
      if (signal?.aborted) {
        finishReason = 'aborted';
        break;
      }
      input = tf.tensor2d([next], [1, next.length], 'int32');
      const past = cache;
      const out = tf.tidy(() => lm.step(input!, past) as unknown as tf.TensorContainerObject) as unknown as ReturnType<
        CausalLm['step']
      >;
      tf.dispose([input, ...(past ?? []).flatMap((kv) => [kv.k, kv.v])]);
      input = undefined;
      cache = out.present;
      const logits = (await out.lastLogits.data()) as Float32Array;
      out.lastLogits.dispose();
      if (ids.length === 0) prefillEnd = performance.now();

      const token = chooseToken(logits, settings, rng);
      ids.push(token);
      opts.onToken?.(token, ids.length - 1);
      if (eos.has(token)) {
        finishReason = 'eos';
        break;
      }
      if (stopIds.has(token)) {
        finishReason = 'stop';
        break;
      }
      if (stopStrings.length > 0) {
        cutAt = firstStop(tokenizer!.decode(ids, { skipSpecialTokens: true }), stopStrings);
        if (cutAt !== undefined) {
          finishReason = 'stop';
          break;
        }
      }
      next = [token];
      await new Promise<void>((resolve) => setImmediate(resolve)); // let an interrupt arrive
    }
  } finally {
    if (input) input.dispose();
    if (cache) tf.dispose(cache.flatMap((kv) => [kv.k, kv.v]));
  }
  const end = performance.now();

  let text: string | undefined;
  if (tokenizer) {
    text = tokenizer.decode(ids, { skipSpecialTokens: true });
    if (cutAt !== undefined) text = text.slice(0, cutAt);
  }
  const totalMs = end - start;
  return {
    text,
    ids,
    promptIds,
    finishReason,
    timing: {
      prefillMs: ids.length > 0 ? prefillEnd - start : 0,
      decodeMs: ids.length > 0 ? end - prefillEnd : 0,
      totalMs,
      tokensPerSecond: totalMs > 0 ? (ids.length * 1000) / totalMs : 0,
    },
  };
}

function samplingSettings(opts: GenerateOptions, fail: (p: string) => never): SamplingSettings {
  const temperature = opts.temperature ?? 0;
  if (!Number.isFinite(temperature) || temperature < 0) fail(`temperature must be >= 0, got ${temperature}`);
  if (opts.topK !== undefined && (!Number.isInteger(opts.topK) || opts.topK < 1))
    fail(`topK must be a positive integer, got ${opts.topK}`);
  if (opts.topP !== undefined && !(opts.topP > 0 && opts.topP <= 1)) fail(`topP must be in (0, 1], got ${opts.topP}`);
  if (opts.seed !== undefined && (!Number.isSafeInteger(opts.seed) || opts.seed < 0))
    fail(`seed must be a non-negative integer, got ${opts.seed}`);
  return { temperature, topK: opts.topK, topP: opts.topP };
}

function promptToIds(
  prompt: string | number[],
  tokenizer: Tokenizer | undefined,
  vocabSize: number,
  fail: (p: string) => never,
): number[] {
  let ids: number[];
  if (typeof prompt === 'string') {
    if (!tokenizer)
      fail('a text prompt needs a tokenizer, but this model has none (no tokenizer.json); pass token ids');
    ids = tokenizer!.encode(prompt);
  } else if (Array.isArray(prompt)) {
    ids = prompt;
  } else {
    return fail('prompt must be a string or an array of token ids');
  }
  if (ids.length === 0) fail('the prompt is empty; give at least one token');
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      fail(`prompt[${i}] = ${JSON.stringify(id)} is not a token id in [0, ${vocabSize})`);
  });
  return ids.slice();
}

function stopCriteria(stop: GenerateOptions['stop'], tokenizer: Tokenizer | undefined, fail: (p: string) => never) {
  const list = stop === undefined ? [] : Array.isArray(stop) ? stop : [stop];
  const stopIds = new Set<number>();
  const stopStrings: string[] = [];
  for (const s of list) {
    if (typeof s === 'number' && Number.isInteger(s)) stopIds.add(s);
    else if (typeof s === 'string' && s.length > 0) stopStrings.push(s);
    else fail(`stop entries must be token ids or non-empty strings, got ${JSON.stringify(s)}`);
  }
  if (stopStrings.length > 0 && !tokenizer) fail('stop strings need a tokenizer; pass stop token ids instead');
  return { stopIds, stopStrings };
}

function firstStop(text: string, stops: string[]): number | undefined {
  let first: number | undefined;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && (first === undefined || at < first)) first = at;
  }
  return first;
}
