/**
 * tfjs seeds each random op it is not given a seed for (the models' `tf.dropout`) from `Math.random()`. Running a
 * synchronous forward pass with `Math.random` drawing from our generator makes dropout reproducible for a seed
 * and resumable from the generator's saved state. Restored before returning, so no other code sees it.
 */
import type { Rng } from './rng';

export function withSeededRandom<T>(rng: Rng, run: () => T): T {
  const original = Math.random;
  Math.random = () => rng.nextFloat();
  try {
    const result = run();
    if (result instanceof Promise) throw new Error('internal: withSeededRandom needs a synchronous function');
    return result;
  } finally {
    Math.random = original;
  }
}
