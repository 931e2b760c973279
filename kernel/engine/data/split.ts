/**
 * Seeded train/eval split. The stratified form keeps each class's share of the eval set as close
 * as possible to its share of the data (largest-remainder rounding). Both parts keep input order.
 */
import { Rng } from '../train/rng';

export interface SplitOptions<T> {
  /** Share of items for evaluation, in (0, 1); rounded up like sklearn's `test_size`. */
  evalFraction?: number;
  /** Exact number of eval items (instead of evalFraction). */
  evalSize?: number;
  /** Seed or generator; default seed 42. */
  seed?: number | Rng;
  /** Class of an item, for a stratified split. */
  stratify?: (item: T) => string | number;
}

export interface Split<T> {
  train: T[];
  eval: T[];
}

export function trainEvalSplit<T>(items: readonly T[], options: SplitOptions<T>): Split<T> {
  const evalCount = evalSizeOf(items.length, options);
  const rng = typeof options.seed === 'object' ? options.seed : Rng.fromSeed(options.seed ?? 42);
  const evalIndices = options.stratify
    ? stratifiedEvalIndices(items, evalCount, options.stratify, rng)
    : rng.permutation(items.length).slice(0, evalCount);
  const isEval = new Uint8Array(items.length);
  for (const i of evalIndices) isEval[i] = 1;
  const split: Split<T> = { train: [], eval: [] };
  items.forEach((item, i) => (isEval[i] ? split.eval : split.train).push(item));
  return split;
}

function evalSizeOf<T>(n: number, options: SplitOptions<T>): number {
  if (n < 2) throw new RangeError(`a train/eval split needs at least 2 items, got ${n}`);
  if ((options.evalFraction === undefined) === (options.evalSize === undefined)) {
    throw new RangeError('give exactly one of evalFraction or evalSize');
  }
  let count: number;
  if (options.evalFraction !== undefined) {
    if (!(options.evalFraction > 0 && options.evalFraction < 1))
      throw new RangeError(`evalFraction must be in (0, 1), got ${options.evalFraction}`);
    count = Math.ceil(options.evalFraction * n);
  } else {
    count = options.evalSize as number;
    if (!Number.isSafeInteger(count)) throw new RangeError(`evalSize must be an integer, got ${count}`);
  }
  if (count < 1 || count > n - 1)
    throw new RangeError(`the eval set would hold ${count} of ${n} items; both parts need at least one`);
  return count;
}

function stratifiedEvalIndices<T>(
  items: readonly T[],
  evalCount: number,
  classOf: (item: T) => string | number,
  rng: Rng,
): number[] {
  const groups = new Map<string | number, number[]>();
  items.forEach((item, i) => {
    const key = classOf(item);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const members = [...groups.values()];
  const exact = members.map((group) => (evalCount * group.length) / items.length);
  const quotas = exact.map(Math.floor);
  let missing = evalCount - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, g) => ({ g, remainder: value - quotas[g] }))
    .sort((a, b) => b.remainder - a.remainder || a.g - b.g);
  for (const { g } of byRemainder) {
    if (missing === 0) break;
    if (quotas[g] < members[g].length) {
      quotas[g]++;
      missing--;
    }
  }
  return members.flatMap((group, g) => rng.shuffle([...group]).slice(0, quotas[g]));
}
