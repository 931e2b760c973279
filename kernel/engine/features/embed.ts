/**
 * `embed(model, texts, options)`: one vector per text from a model's last hidden states, pooled ('cls' first
 * token, 'mean' over tokens, 'last' non-padding token), computed in batches with the forward pass under tf.tidy.
 * With `cacheDir`, vectors are cached on disk keyed by the model's weights, tokenizer, pooling, max length and
 * the text, so re-running a cell only embeds new texts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { encodeText } from '../data/encode/classification';
import { padBatch } from '../data/padding';
import { poolHidden, POOLINGS, type Pooling } from '../heads/pooling';
import type { Model } from '../models/model';
import { throwIfStopped, yieldAndCheck } from '../train/stopping';
import { EmbeddingCache } from './embeddingCache';
import { modelFingerprint, sha256Hex } from './modelFingerprint';

export interface EmbedOptions {
  /** Default 'mean'. */
  pooling?: Pooling;
  /** Texts per forward pass; default 16. */
  batchSize?: number;
  /** Folder for the on-disk cache; no caching without it. */
  cacheDir?: string;
  /** Longest tokenized text (special tokens included); default the model's maximum positions. */
  maxLength?: number;
  /** Scale every vector to unit L2 norm; default false. */
  normalize?: boolean;
}

export interface EmbedStats {
  texts: number;
  computed: number;
  fromCache: number;
}

/** Vectors in the order of `texts`. `stats`, when given, receives how many came from the cache. */
export async function embed(
  model: Model,
  texts: readonly string[],
  options: EmbedOptions = {},
  stats?: EmbedStats,
): Promise<number[][]> {
  const pooling = options.pooling ?? 'mean';
  if (!POOLINGS.includes(pooling))
    throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`);
  const batchSize = options.batchSize ?? 16;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  if (!Array.isArray(texts)) throw new RangeError('embed(model, texts): texts must be an array of strings');
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new RangeError(`texts[${i}] must be a string, got ${typeof t}`);
  });
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new RangeError('embed needs a model with a tokenizer (model.tokenizer is unset)');
  const maxLength = options.maxLength ?? modelMaxLength(model);

  const hashes = texts.map((t) => sha256Hex(t));
  const cache = options.cacheDir
    ? await EmbeddingCache.open(
        options.cacheDir,
        sha256Hex(`${await modelFingerprint(model)}\0${pooling}\0${maxLength ?? 'none'}`),
      )
    : undefined;
  const vectors = new Map<string, Float32Array>();
  const missing: number[] = [];
  hashes.forEach((h, i) => {
    if (vectors.has(h) || missing.some((j) => hashes[j] === h)) return;
    const cached = cache?.get(h);
    if (cached) vectors.set(h, cached);
    else missing.push(i);
  });

  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  try {
    for (let start = 0; start < missing.length; start += batchSize) {
      throwIfStopped(undefined, 'embed');
      const indices = missing.slice(start, start + batchSize);
      const ids = indices.map((i) => encodeText(tokenizer, texts[i], { maxLength }));
      const batch = padBatch(ids, padId, { side: 'right' });
      const pooled = tf.tidy(() => {
        const mask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
        return poolHidden(model.hidden(batch.inputIds, { attentionMask: batch.attentionMask }), pooling, mask); // [b, C]
      });
      const data = (await pooled.data()) as Float32Array;
      const dim = pooled.shape[1];
      pooled.dispose();
      indices.forEach((textIndex, row) => {
        const vector = data.slice(row * dim, (row + 1) * dim);
        vectors.set(hashes[textIndex], vector);
        cache?.set(hashes[textIndex], vector);
      });
      await yieldAndCheck(undefined, 'embed');
    }
  } finally {
    await cache?.flush();
  }
  if (stats) {
    stats.texts = texts.length;
    stats.computed = missing.length;
    stats.fromCache = texts.length - missing.length;
  }
  return hashes.map((h) => toRow(vectors.get(h)!, options.normalize === true));
}

function toRow(vector: Float32Array, normalize: boolean): number[] {
  const row = Array.from(vector);
  if (!normalize) return row;
  const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? row.map((x) => x / norm) : row;
}

function modelMaxLength(model: Model): number | undefined {
  const c = model.config;
  const value = c.n_positions ?? c.max_position_embeddings;
  return Number.isInteger(value) ? value : undefined;
}
