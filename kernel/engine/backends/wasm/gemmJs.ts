/**
 * Batched matrix product in plain JavaScript: C[i] = op(A[i]) · op(B[i]), row-major, where op transposes
 * when asked. A batch stride of 0 reuses one matrix for every batch entry (broadcast).
 * Used when the SIMD module is unavailable.
 */
export interface GemmShape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Elements between consecutive A (resp. B) matrices; 0 to broadcast one matrix. */
  readonly aBatchStride: number;
  readonly bBatchStride: number;
}

export function gemmBatchedJs(a: Float32Array, b: Float32Array, c: Float32Array, s: GemmShape): void {
  const { m, n, k } = s;
  const rowA = new Float32Array(k);
  const packedB = new Float32Array(k * n);
  for (let bi = 0; bi < s.batch; bi++) {
    const aBase = bi * s.aBatchStride;
    const bBase = bi * s.bBatchStride;
    const cBase = bi * m * n;
    let bRows: Float32Array;
    let bOffset: number;
    if (s.transposeB) {
      for (let kk = 0; kk < k; kk++) for (let j = 0; j < n; j++) packedB[kk * n + j] = b[bBase + j * k + kk];
      bRows = packedB;
      bOffset = 0;
    } else {
      bRows = b;
      bOffset = bBase;
    }
    for (let i = 0; i < m; i++) {
      if (s.transposeA) for (let kk = 0; kk < k; kk++) rowA[kk] = a[aBase + kk * m + i];
      else for (let kk = 0; kk < k; kk++) rowA[kk] = a[aBase + i * k + kk];
      const cRow = cBase + i * n;
      c.fill(0, cRow, cRow + n);
      for (let kk = 0; kk < k; kk++) {
        const av = rowA[kk];
        if (av === 0) continue;
        const bRow = bOffset + kk * n;
        for (let j = 0; j < n; j++) c[cRow + j] += av * bRows[bRow + j];
      }
    }
  }
}
