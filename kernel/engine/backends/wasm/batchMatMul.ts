/**
 * BatchMatMul for the wasm backend, routed so that every product that can runs on XNNPACK.
 *
 * Stock tfjs-wasm reaches XNNPACK only for unbatched, untransposed operands; everything else (Aᵀ·B and A·Bᵀ,
 * i.e. the backward pass, and batched attention products) runs on a naive loop ~20× slower. Here:
 * - transposed operands of an unbatched product are transposed explicitly (a memory-bound copy), then XNNPACK;
 * - a batched A times one shared B is one tall unbatched product;
 * - true batched products (attention) go to our own SIMD kernel (simd/gemmKernel.ts), or plain JS without SIMD;
 * - so do products with few rows (generation's one-token steps): they are too small to repay XNNPACK's
 *   thread-pool dispatch, and our kernel reads transposed operands in place.
 */
import { backend_util, BatchMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementCount, f32View, reshaped } from './heap';
import { gemmBatchedJs, type GemmShape } from './gemmJs';
import { simdKernels } from './simd/module';

/** Products with at most this many output rows skip XNNPACK. */
export const SMALL_PRODUCT_ROWS = 32;

export function makeBatchMatMulConfig(stock: KernelConfig, stockTranspose: KernelConfig): KernelConfig {
  const transpose2d = (backend: BackendWasm, x: TensorInfo): TensorInfo => {
    const [rows, cols] = x.shape.slice(-2);
    return stockTranspose.kernelFunc({
      inputs: { x: reshaped(x, [rows, cols]) },
      backend,
      attrs: { perm: [1, 0] },
    }) as TensorInfo;
  };

  const batchMatMul: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const transposeA = args.attrs!.transposeA as boolean;
    const transposeB = args.attrs!.transposeB as boolean;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);

    const aRank = a.shape.length;
    const bRank = b.shape.length;
    const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
    const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
    const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
    const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
    if (k !== kB) return stock.kernelFunc(args); // stock raises the usual shape error
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const outShape = [...backend_util.assertAndGetBroadcastShape(outerA, outerB), m, n];
    const batchA = elementCount(outerA);
    const batchB = elementCount(outerB);

    const simd = simdKernels(backend);
    const tallRows = batchA * m;
    if (batchB === 1 && (batchA === 1 || !transposeA) && !(simd && tallRows <= SMALL_PRODUCT_ROWS)) {
      // [batchA·m, k] · [k, n] in one XNNPACK call.
      const aRows = transposeA ? transpose2d(backend, a) : a;
      const bMat = transposeB ? transpose2d(backend, b) : b;
      const out = stock.kernelFunc({
        inputs: { a: reshaped(aRows, [1, batchA * m, k]), b: reshaped(bMat, [1, k, n]) },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }) as TensorInfo;
      if (aRows !== a) backend.disposeData(aRows.dataId);
      if (bMat !== b) backend.disposeData(bMat.dataId);
      return reshaped(out, outShape);
    }

    const batch = Math.max(batchA, batchB);
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return stock.kernelFunc(args);
    const shape: GemmShape = {
      batch,
      m,
      n,
      k,
      transposeA,
      transposeB,
      aBatchStride: batchA === 1 ? 0 : m * k,
      bBatchStride: batchB === 1 ? 0 : k * n,
    };
    const out = backend.makeOutput(outShape, 'float32');
    if (simd) simd.gemmBatched(a, b, out, shape);
    else gemmBatchedJs(f32View(backend, a), f32View(backend, b), f32View(backend, out), shape);
    return out;
  };

  return { kernelName: BatchMatMul, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: batchMatMul };
}
