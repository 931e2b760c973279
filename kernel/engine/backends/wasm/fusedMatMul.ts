/**
 * _FusedMatMul (matmul + bias + activation, what `tf.fused.matMul` and the models' dense layers run) for the
 * wasm backend. Stock tfjs-wasm takes XNNPACK only without transposes; a transposed unbatched operand (e.g. a
 * tied LM head, x · wteᵀ) is transposed explicitly first so it does too. Products with few rows (generation)
 * use our SIMD kernel plus a row-wise bias add when there is no activation. Batched products go to the stock kernel.
 */
import { _FusedMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SMALL_PRODUCT_ROWS } from './batchMatMul';
import { byteOffsetOf, elementCount, reshaped } from './heap';
import { simdKernels } from './simd/module';

export function makeFusedMatMulConfig(stock: KernelConfig, stockTranspose: KernelConfig): KernelConfig {
  const fusedMatMul: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const transposeA = args.attrs!.transposeA as boolean;
    const transposeB = args.attrs!.transposeB as boolean;
    const unbatched = elementCount(a.shape.slice(0, -2)) === 1 && elementCount(b.shape.slice(0, -2)) === 1;
    if (!unbatched || a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
    const [aRows, aCols] = a.shape.slice(-2);
    const [bRows, bCols] = b.shape.slice(-2);
    const m = transposeA ? aCols : aRows;
    const k = transposeA ? aRows : aCols;
    const n = transposeB ? bRows : bCols;
    const bias = args.inputs.bias as TensorInfo | undefined;
    const simd = simdKernels(backend);
    const plain = (args.attrs!.activation ?? 'linear') === 'linear' && args.inputs.preluActivationWeights == null;
    if (simd && plain && m <= SMALL_PRODUCT_ROWS && (!bias || elementCount(bias.shape) === n)) {
      const out = backend.makeOutput([1, m, n], 'float32');
      simd.gemmBatched(a, b, out, { batch: 1, m, n, k, transposeA, transposeB, aBatchStride: 0, bBatchStride: 0 });
      if (bias) {
        const [o, bb] = [byteOffsetOf(backend, out), byteOffsetOf(backend, bias)];
        for (let r = 0; r < m; r++) simd.binaryRow('add', o + 4 * r * n, o + 4 * r * n, 1, bb, 1, n);
      }
      return out;
    }
    if (!transposeA && !transposeB) return stock.kernelFunc(args);
    const transpose = (x: TensorInfo): TensorInfo => {
      const [rows, cols] = x.shape.slice(-2);
      const t = stockTranspose.kernelFunc({
        inputs: { x: reshaped(x, [rows, cols]) },
        backend,
        attrs: { perm: [1, 0] },
      }) as TensorInfo;
      return reshaped(t, [1, cols, rows]);
    };
    const a2 = transposeA ? transpose(a) : a;
    const b2 = transposeB ? transpose(b) : b;
    try {
      return stock.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: a2, b: b2 },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (a2 !== a) backend.disposeData(a2.dataId);
      if (b2 !== b) backend.disposeData(b2.dataId);
    }
  };
  return { kernelName: _FusedMatMul, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: fusedMatMul };
}
