/**
 * Which training examples become a query's demonstrations:
 *   random   k distinct examples drawn with a seeded generator (a fresh draw per query, reproducible)
 *   nearest  the k training texts most similar to the query by cosine similarity of `embed` vectors, ordered
 *            least to most similar so the closest demonstration sits right before the query
 */
import { embed, type EmbedOptions } from '../features/embed';
import type { Model } from '../models/model';
import { Rng } from '../train/rng';

export type Selection = 'random' | 'nearest';

export interface SelectionOptions {
  k: number;
  selection: Selection;
  seed?: number;
  /** Model whose embeddings rank neighbours; default the scoring model. */
  embedModel?: Model;
  embedOptions?: EmbedOptions;
}

/** For each query, the indices of its demonstrations in `trainTexts`. */
export async function selectDemonstrations(
  model: Model,
  trainTexts: readonly string[],
  queries: readonly string[],
  options: SelectionOptions,
): Promise<number[][]> {
  const { k } = options;
  if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`k must be an integer >= 0, got ${k}`);
  if (k > trainTexts.length)
    throw new RangeError(`k = ${k} demonstrations but the training set has only ${trainTexts.length} examples`);
  if (k === 0) return queries.map(() => []);
  if (options.selection === 'random') {
    const rng = Rng.fromSeed(options.seed ?? 0);
    return queries.map(() => rng.permutation(trainTexts.length).slice(0, k));
  }
  if (options.selection !== 'nearest')
    throw new RangeError(`selection must be 'random' or 'nearest', got ${JSON.stringify(options.selection)}`);
  const embedModel = options.embedModel ?? model;
  const opts = { pooling: 'mean' as const, ...options.embedOptions, normalize: true };
  const train = await embed(embedModel, trainTexts, opts);
  const query = await embed(embedModel, queries, opts);
  return query.map((q) => nearestIndices(q, train, k).reverse());
}

/** Indices of the k rows of `candidates` with the highest cosine similarity to `q`, most similar first (ties: lower index). */
export function nearestIndices(q: readonly number[], candidates: readonly (readonly number[])[], k: number): number[] {
  const qn = Math.hypot(...q) || 1;
  const sims = candidates.map((c, i) => {
    let dot = 0;
    for (let j = 0; j < q.length; j++) dot += q[j] * c[j];
    return { i, s: dot / (qn * (Math.hypot(...c) || 1)) };
  });
  sims.sort((a, b) => b.s - a.s || a.i - b.i);
  return sims.slice(0, k).map((x) => x.i);
}
