/**
 * A seedable pseudo-random generator whose whole state is four 32-bit words, so a training run
 * can save it in `trainer_state.json` and resume with exactly the same shuffles, dropout seeds
 * and samples. Algorithm: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
 */
export const RNG_ALGORITHM = 'xoshiro128**' as const;

export interface RngState {
  algorithm: typeof RNG_ALGORITHM;
  /** Four unsigned 32-bit words, not all zero. */
  state: [number, number, number, number];
}

const TWO_POW_32 = 4294967296;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(words: readonly number[]) {
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0);
  }

  /** `seed` is any integer in [0, 2^53). Equal seeds give equal streams. */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`Rng seed must be an integer in [0, 2^53), got ${seed}`);
    }
    const low = seed % TWO_POW_32;
    const high = Math.floor(seed / TWO_POW_32);
    const mixer = splitmix32(low ^ Math.imul(high, 0x9e3779b9));
    return new Rng([mixer(), mixer(), mixer(), mixer()]);
  }

  /** Restores a generator saved with `getState()`; throws on a state that was not produced by one. */
  static fromState(saved: RngState): Rng {
    if (saved === null || typeof saved !== 'object' || saved.algorithm !== RNG_ALGORITHM) {
      throw new RangeError(`Rng state must come from Rng.getState() (algorithm ${RNG_ALGORITHM})`);
    }
    const words = saved.state;
    const valid =
      Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32);
    if (!valid || words.every((w) => w === 0)) {
      throw new RangeError('Rng state must be four unsigned 32-bit integers, not all zero');
    }
    return new Rng(words);
  }

  getState(): RngState {
    return { algorithm: RNG_ALGORITHM, state: [this.s0, this.s1, this.s2, this.s3] };
  }

  /** Replaces this generator's state in place (e.g. when resuming from a checkpoint). */
  setState(saved: RngState): void {
    const restored = Rng.fromState(saved);
    [this.s0, this.s1, this.s2, this.s3] = [restored.s0, restored.s1, restored.s2, restored.s3];
  }

  clone(): Rng {
    return new Rng([this.s0, this.s1, this.s2, this.s3]);
  }

  /** A new generator seeded from this stream: independent streams for shuffling, dropout, sampling. */
  fork(): Rng {
    const mixer = splitmix32(this.nextUint32());
    return new Rng([mixer(), mixer(), mixer(), mixer()]);
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias. `n` must be in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.nextInt bound must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A seed for a tfjs op that takes one (`tf.dropout`, `tf.randomNormal`): an integer in [0, 2^31). */
  nextSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** Standard normal sample (Box–Muller; uses two uniforms per call so the state stays four words). */
  nextNormal(): number {
    const u1 = 1 - this.nextFloat(); // (0, 1]
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Index drawn with probability proportional to `weights[i]` (non-negative, not all zero). */
  sampleIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w))
        throw new RangeError(`Rng.sampleIndex weight ${i} is ${w}; weights must be finite and >= 0`);
      total += w;
    }
    if (total <= 0) throw new RangeError('Rng.sampleIndex needs at least one positive weight');
    const target = this.nextFloat() * total;
    let cumulative = 0;
    let lastPositive = -1;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] <= 0) continue;
      cumulative += weights[i];
      lastPositive = i;
      if (target < cumulative) return i;
    }
    return lastPositive;
  }

  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A shuffled permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32: turns one 32-bit seed into a stream of well-mixed words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}
