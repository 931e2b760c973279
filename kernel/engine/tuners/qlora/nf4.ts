/**
 * 4-bit NormalFloat (QLoRA, Dettmers et al. 2023): each block of `blockSize` consecutive weights is scaled by its
 * absolute maximum into [-1, 1] and every value replaced by the nearest of 16 code values (quantiles of a normal
 * distribution, with an exact 0). Two 4-bit codes are packed per byte, the first in the high nibble.
 * Worst-case error per element: absmax × (half the largest gap between adjacent codes) = absmax × NF4_MAX_HALF_GAP.
 */

/** The NF4 code values as published with the paper (bitsandbytes' table, float32). */
export const NF4_CODES = Float32Array.from([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
]);

/** Boundaries between adjacent codes: value v gets code i when MIDPOINTS[i-1] < v ≤ MIDPOINTS[i]. */
const MIDPOINTS = Float64Array.from({ length: 15 }, (_, i) => (NF4_CODES[i] + NF4_CODES[i + 1]) / 2);

export const NF4_MAX_HALF_GAP = Math.max(...Array.from(MIDPOINTS, (m, i) => m - NF4_CODES[i]));

export interface Nf4Data {
  /** ceil(n / 2) bytes, two codes each. */
  packed: Uint8Array;
  /** One scale per block. */
  absmax: Float32Array;
  length: number;
  blockSize: number;
}

export function nearestNf4(v: number): number {
  let lo = 0;
  let hi = 15;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > MIDPOINTS[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function quantizeNf4(values: Float32Array, blockSize: number): Nf4Data {
  const n = values.length;
  const blocks = Math.ceil(n / blockSize);
  const absmax = new Float32Array(blocks);
  const packed = new Uint8Array(Math.ceil(n / 2));
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(n, start + blockSize);
    let m = 0;
    for (let i = start; i < end; i++) m = Math.max(m, Math.abs(values[i]));
    absmax[b] = m;
    const inv = m > 0 ? 1 / m : 0;
    for (let i = start; i < end; i++) {
      const code = nearestNf4(values[i] * inv);
      packed[i >> 1] |= i % 2 === 0 ? code << 4 : code;
    }
  }
  return { packed, absmax, length: n, blockSize };
}

/** Codes × block scale; `absmax` may be a dequantised copy (double quantisation). */
export function dequantizeNf4(
  q: Pick<Nf4Data, 'packed' | 'length' | 'blockSize'>,
  absmax: Float32Array,
  out = new Float32Array(q.length),
): Float32Array {
  for (let i = 0; i < q.length; i++) {
    const byte = q.packed[i >> 1];
    const code = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    out[i] = NF4_CODES[code] * absmax[Math.floor(i / q.blockSize)];
  }
  return out;
}
