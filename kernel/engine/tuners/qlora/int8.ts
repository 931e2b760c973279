/**
 * Blockwise absmax int8: each block of consecutive values is stored as round(127 · v / absmax) with one float32
 * scale per block (LLM.int8's blockwise variant). Error per element ≤ absmax / 254.
 * Also used for QLoRA's double quantisation of the NF4 block scales (with an offset: the mean, subtracted first).
 */
export interface Int8Data {
  codes: Int8Array;
  absmax: Float32Array;
  blockSize: number;
  /** Added back after scaling (0 for weights; the mean for double-quantised scales). */
  offset: number;
}

export function quantizeInt8(values: Float32Array, blockSize: number, offset = 0): Int8Data {
  const n = values.length;
  const blocks = Math.ceil(n / blockSize);
  const codes = new Int8Array(n);
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(n, start + blockSize);
    let m = 0;
    for (let i = start; i < end; i++) m = Math.max(m, Math.abs(values[i] - offset));
    absmax[b] = m;
    const scale = m > 0 ? 127 / m : 0;
    for (let i = start; i < end; i++) codes[i] = Math.round((values[i] - offset) * scale);
  }
  return { codes, absmax, blockSize, offset };
}

export function dequantizeInt8(q: Int8Data, out = new Float32Array(q.codes.length)): Float32Array {
  for (let i = 0; i < q.codes.length; i++)
    out[i] = (q.codes[i] * q.absmax[Math.floor(i / q.blockSize)]) / 127 + q.offset;
  return out;
}

export function int8Bytes(q: Int8Data): number {
  return q.codes.byteLength + q.absmax.byteLength + 4;
}
