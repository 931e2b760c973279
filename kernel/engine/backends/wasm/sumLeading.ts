/**
 * Sum over leading axes for the wasm backend: [N, C] → [C] (every bias gradient, and LayerNorm's weight
 * gradients). tfjs-wasm moves the reduced axes last with a full transpose before summing; here the rows are
 * added into the output with the SIMD row kernel instead. Other reductions go to the stock kernel.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, f32View } from './heap';
import { simdKernels } from './simd/module';

export function makeSumConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as TensorInfo;
    const simd = simdKernels(backend);
    const rank = x.shape.length;
    const axes = util.parseAxisParam(args.attrs!.axis as number | number[], x.shape);
    const leading = axes.length > 0 && axes.length < rank && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    if (!simd || x.dtype !== 'float32' || !leading || elementCount(x.shape) === 0) return stock.kernelFunc(args);
    const kept = x.shape.slice(axes.length);
    const outShape = args.attrs!.keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
    const out = backend.makeOutput(outShape, 'float32');
    const inner = elementCount(kept);
    const rows = elementCount(x.shape) / inner;
    const [src, dst] = [byteOffsetOf(backend, x), byteOffsetOf(backend, out)];
    f32View(backend, out).set(f32View(backend, x).subarray(0, inner));
    for (let r = 1; r < rows; r++) simd.binaryRow('add', dst, dst, 1, src + 4 * r * inner, 1, inner);
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
