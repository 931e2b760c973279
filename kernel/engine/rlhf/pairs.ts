/** Preference pairs as RLHF trainers take them, checked and split into train / held-out parts. */
import { Rng } from '../train/rng';
import { RlhfError } from './rlhfError';

export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
}

export function checkPairs(pairs: readonly PreferencePair[], what: string): PreferencePair[] {
  if (!Array.isArray(pairs) || pairs.length === 0)
    throw new RlhfError(`${what} needs at least one preference pair {prompt, chosen, rejected}`);
  pairs.forEach((p, i) => {
    for (const key of ['prompt', 'chosen', 'rejected'] as const) {
      if (typeof p?.[key] !== 'string') throw new RlhfError(`${what}: pair ${i} has no string "${key}"`);
    }
  });
  return [...pairs];
}

/** A seeded split; `heldOut` is a fraction in [0, 1) or explicit held-out pairs. */
export function splitPairs(
  pairs: PreferencePair[],
  heldOut: number | readonly PreferencePair[],
  seed: number,
): { train: PreferencePair[]; heldOut: PreferencePair[] } {
  if (Array.isArray(heldOut)) return { train: pairs, heldOut: [...heldOut] };
  const fraction = heldOut as number;
  if (!(fraction >= 0 && fraction < 1))
    throw new RlhfError(`heldOut must be a fraction in [0, 1) or a list of pairs, got ${fraction}`);
  const order = Rng.fromSeed(seed).permutation(pairs.length);
  const n = Math.round(pairs.length * fraction);
  return { train: order.slice(n).map((i) => pairs[i]), heldOut: order.slice(0, n).map((i) => pairs[i]) };
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
