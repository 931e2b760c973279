/**
 * _FusedMatMul (matmul + bias + activation, what `tf.fused.matMul` and the models' dense layers run) for the
 * wasm backend. Stock tfjs-wasm takes XNNPACK only without transposes; a transposed unbatched operand (e.g. a
 * tied LM head, x · wteᵀ) is transposed explicitly first so it does too. Batched products go to the stock kernel.
 */
import { _FusedMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementCount, reshaped } from './heap';

export function makeFusedMatMulConfig(stock: KernelConfig, stockTranspose: KernelConfig): KernelConfig {
  const fusedMatMul: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const transposeA = args.attrs!.transposeA as boolean;
    const transposeB = args.attrs!.transposeB as boolean;
    const unbatched = elementCount(a.shape.slice(0, -2)) === 1 && elementCount(b.shape.slice(0, -2)) === 1;
    if ((!transposeA && !transposeB) || !unbatched || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock.kernelFunc(args);
    }
    const transpose = (x: TensorInfo): TensorInfo => {
      const [rows, cols] = x.shape.slice(-2);
      const t = stockTranspose.kernelFunc({ inputs: { x: reshaped(x, [rows, cols]) }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
      return reshaped(t, [1, cols, rows]);
    };
    const a2 = transposeA ? transpose(a) : a;
    const b2 = transposeB ? transpose(b) : b;
    try {
      return stock.kernelFunc({ ...args, inputs: { ...args.inputs, a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      if (a2 !== a) backend.disposeData(a2.dataId);
      if (b2 !== b) backend.disposeData(b2.dataId);
    }
  };
  return { kernelName: _FusedMatMul, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: fusedMatMul };
}
