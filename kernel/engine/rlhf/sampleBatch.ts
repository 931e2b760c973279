/**
 * Batched sampling for rollouts: several prompts decode together, each row stopping on its own at EOS (the EOS
 * token is kept as the completion's last token, as TRL does) or after `maxNewTokens`. Every step runs the model on
 * the right-padded batch of the rows still going, with an attention mask, and reads each row's logits at its last
 * real position — the same padding and positions the PPO losses later see, so the sampled tokens' log-probs match
 * the training forward exactly. No KV cache: the cost is one forward over at most prompt + maxNewTokens tokens per
 * new token, small for the short completions RLHF samples.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseToken, type SamplingSettings } from '../generate/sampler';
import type { Model } from '../models/model';
import { Rng } from '../train/rng';
import { RlhfError } from './rlhfError';

export interface BatchSampleOptions extends SamplingSettings {
  maxNewTokens: number;
  /** Token ids that end a row (kept as its last token); empty: every row runs to maxNewTokens. */
  eosTokenIds: readonly number[];
  /** Right-padding id (its rows are masked out). */
  padId: number;
  /** One seed per row: a row's tokens depend on its seed only, not on the other rows. */
  seeds: readonly number[];
  /** The model's context length; a row reaching it stops ('context'). */
  maxPositions?: number;
}

export interface SampledRow {
  /** New ids only (EOS included when the row stopped there). */
  ids: number[];
  finishReason: 'eos' | 'length' | 'context';
}

export async function sampleBatch(
  model: Model,
  prompts: readonly number[][],
  o: BatchSampleOptions,
): Promise<SampledRow[]> {
  if (prompts.length === 0) throw new RlhfError('sampleBatch needs at least one prompt');
  if (o.seeds.length !== prompts.length)
    throw new RlhfError(`sampleBatch: ${prompts.length} prompts but ${o.seeds.length} seeds`);
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 1)
    throw new RlhfError(`maxNewTokens must be a positive integer, got ${o.maxNewTokens}`);
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new RlhfError(`prompt ${i} has no tokens`);
    if (o.maxPositions !== undefined && p.length >= o.maxPositions)
      throw new RlhfError(
        `prompt ${i} has ${p.length} tokens and leaves no room in the model's ${o.maxPositions} positions`,
      );
  });
  const eos = new Set(o.eosTokenIds);
  const rngs = o.seeds.map((s) => Rng.fromSeed(s));
  const rows: SampledRow[] = prompts.map(() => ({ ids: [], finishReason: 'length' }));
  const running = new Set(prompts.map((_, i) => i));
  for (let step = 0; step < o.maxNewTokens && running.size > 0; step++) {
    const active = [...running];
    const sequences = active.map((i) => [...prompts[i], ...rows[i].ids]);
    const last = await lastLogits(model, sequences, o.padId); // [active, V]
    const V = last.length / active.length;
    active.forEach((i, r) => {
      const token = chooseToken(last.subarray(r * V, (r + 1) * V), o, rngs[i]);
      rows[i].ids.push(token);
      if (eos.has(token)) {
        rows[i].finishReason = 'eos';
        running.delete(i);
      } else if (
        o.maxPositions !== undefined &&
        prompts[i].length + rows[i].ids.length >= o.maxPositions &&
        rows[i].ids.length < o.maxNewTokens
      ) {
        rows[i].finishReason = 'context';
        running.delete(i);
      }
    });
  }
  return rows;
}

/** Right-padded forward; each row's logits at its last real token, flattened [rows × V]. */
async function lastLogits(model: Model, sequences: number[][], padId: number): Promise<Float32Array> {
  const T = Math.max(...sequences.map((s) => s.length));
  const ids = sequences.map((s) => [...s, ...new Array<number>(T - s.length).fill(padId)]);
  const attentionMask = sequences.map((s) => Array.from({ length: T }, (_, t) => (t < s.length ? 1 : 0)));
  const picked = tf.tidy(() => {
    const logits = model.logits(ids, { attentionMask }) as tf.Tensor3D; // [B, T, V]
    const [B, , V] = logits.shape;
    const rows = tf.tensor1d(
      sequences.map((s, b) => b * T + s.length - 1),
      'int32',
    );
    return tf.gather(tf.reshape(logits, [B * T, V]), rows); // [B, V]
  });
  try {
    return (await picked.data()) as Float32Array; // asynchronous: the GPU rung cannot read synchronously
  } finally {
    picked.dispose();
  }
}
