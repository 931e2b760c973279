/**
 * Emits `gemm`: batched C[b] = A[b] · B[b] in wasm SIMD, for the batched products XNNPACK is not used for
 * (attention: [B·H, T, D] · [B·H, D, T] and friends, transposed either way).
 *
 * Parameters (i32): a, b, c, packed (byte addresses), batch, m, n, k, aBatch, bBatch (elements between
 * consecutive matrices, 0 = broadcast), aRow, aCol (A(i,kk) = a[i·aRow + kk·aCol]), bRow, bCol
 * (B(kk,j) = b[kk·bRow + j·bCol]). `packed` is scratch for k·round8(n) floats.
 *
 * Per matrix: B is copied into `packed` as contiguous rows padded to a multiple of 8 columns, then C is
 * produced in 4×8 tiles (8 f32x4 accumulators; A is read one scalar per row per k and splatted), with 1×8
 * tiles for the last m mod 4 rows and lane-wise stores for the last partial column tile.
 */
import {
  f32,
  f32c,
  f32x4,
  forRange,
  FunctionBuilder,
  get,
  i32,
  i32c,
  ifThen,
  ifValue,
  loadSplat,
  set,
  type Bytes,
} from './wasmEncoder';

export function buildGemm(): FunctionBuilder {
  const f = new FunctionBuilder('gemm', Array(14).fill('i32'));
  const [a, b, c, packed, batch, m, n, k, aBatch, bBatch, aRow, aCol, bRow, bCol] = f.params.map((_, i) => i);
  const np = f.local('i32');
  const bi = f.local('i32');
  const kk = f.local('i32');
  const j = f.local('i32');
  const i0 = f.local('i32');
  const j0 = f.local('i32');
  const mFull = f.local('i32');
  const stepA = f.local('i32');
  const stepB = f.local('i32');
  const pb = f.local('i32');
  const src = f.local('i32');
  const dst = f.local('i32');
  const bv0 = f.local('v128');
  const bv1 = f.local('v128');
  const x = f.local('v128');
  const pa = [0, 1, 2, 3].map(() => f.local('i32'));
  const acc = [0, 1, 2, 3].map(() => [f.local('v128'), f.local('v128')]);

  const byteAddr = (base: number, elements: Bytes): Bytes => i32.add(get(base), i32.shl(elements, i32c(2)));

  // packed[kk·np + j] = B(kk, j) for j < n, 0 up to np.
  const packB = forRange(
    kk,
    i32c(0),
    get(k),
    1,
    set(src, byteAddr(b, i32.mul(get(kk), get(bRow)))),
    set(dst, byteAddr(packed, i32.mul(get(kk), get(np)))),
    forRange(
      j,
      i32c(0),
      get(np),
      1,
      f32.store(
        get(dst),
        ifValue('f32', i32.ltS(get(j), get(n)), f32.load(byteAddr(src, i32.mul(get(j), get(bCol)))), f32c(0)),
      ),
      set(dst, i32.add(get(dst), i32c(4))),
    ),
  );

  const tile = (rows: number): Bytes => {
    const code: Bytes[] = [];
    for (let r = 0; r < rows; r++) {
      code.push(set(pa[r], byteAddr(a, i32.mul(i32.add(get(i0), i32c(r)), get(aRow)))));
      code.push(set(acc[r][0], f32x4.splat(f32c(0))), set(acc[r][1], f32x4.splat(f32c(0))));
    }
    code.push(set(pb, byteAddr(packed, get(j0))));
    const perK: Bytes[] = [set(bv0, f32x4.load(get(pb))), set(bv1, f32x4.load(get(pb), 16))];
    for (let r = 0; r < rows; r++) {
      perK.push(
        set(x, loadSplat(get(pa[r]))),
        set(acc[r][0], f32x4.add(get(acc[r][0]), f32x4.mul(get(x), get(bv0)))),
        set(acc[r][1], f32x4.add(get(acc[r][1]), f32x4.mul(get(x), get(bv1)))),
        set(pa[r], i32.add(get(pa[r]), get(stepA))),
      );
    }
    perK.push(set(pb, i32.add(get(pb), get(stepB))));
    code.push(forRange(kk, i32c(0), get(k), 1, ...perK));
    for (let r = 0; r < rows; r++) {
      const rowStart = (): Bytes => byteAddr(c, i32.add(i32.mul(i32.add(get(i0), i32c(r)), get(n)), get(j0)));
      const full = [f32x4.store(rowStart(), get(acc[r][0])), f32x4.store(rowStart(), get(acc[r][1]), 16)];
      const partial: Bytes[] = [];
      for (let lane = 0; lane < 8; lane++) {
        partial.push(
          ifThen(i32.ltS(i32.add(get(j0), i32c(lane)), get(n)), [
            f32.store(rowStart(), f32x4.extractLane(get(acc[r][lane >> 2]), lane & 3), lane * 4),
          ]),
        );
      }
      code.push(ifThen(i32.leS(i32.add(get(j0), i32c(8)), get(n)), full, partial));
    }
    return code.flat();
  };

  f.emit(
    set(np, i32.and(i32.add(get(n), i32c(7)), i32c(-8))),
    set(mFull, i32.sub(get(m), i32.and(get(m), i32c(3)))),
    set(stepA, i32.shl(get(aCol), i32c(2))),
    set(stepB, i32.shl(get(np), i32c(2))),
    forRange(
      bi,
      i32c(0),
      get(batch),
      1,
      packB,
      forRange(i0, i32c(0), get(mFull), 4, forRange(j0, i32c(0), get(np), 8, tile(4))),
      // forRange re-initialises i0 from its current value: the remaining rows, one at a time.
      forRange(i0, get(mFull), get(m), 1, forRange(j0, i32c(0), get(np), 8, tile(1))),
      set(a, byteAddr(a, get(aBatch))),
      set(b, byteAddr(b, get(bBatch))),
      set(c, byteAddr(c, i32.mul(get(m), get(n)))),
    ),
  );
  return f;
}
