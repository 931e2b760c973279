/**
 * SplitV (GPT-2's fused QKV split) for the wasm backend: x viewed as [outer, axisDim, inner]; each piece is
 * `outer` contiguous block copies. The stock kernel slices through a generic strided path.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, heapWords } from './heap';

export function makeSplitVConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as TensorInfo;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return stock.kernelFunc(args);
    const axis = util.parseAxisParam(args.attrs!.axis as number, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, args.attrs!.numOrSizeSplits as number | number[], axis);
    const axisDim = x.shape[axis];
    const outer = elementCount(x.shape.slice(0, axis));
    const inner = elementCount(x.shape.slice(axis + 1));
    const outs = sizes.map((size) =>
      backend.makeOutput([...x.shape.slice(0, axis), size, ...x.shape.slice(axis + 1)], x.dtype),
    );
    const heap = heapWords(backend);
    const src = byteOffsetOf(backend, x) / 4;
    let offset = 0;
    outs.forEach((out, s) => {
      const dst = byteOffsetOf(backend, out) / 4;
      const block = sizes[s] * inner;
      for (let o = 0; o < outer; o++) {
        const from = src + (o * axisDim + offset) * inner;
        heap.copyWithin(dst + o * block, from, from + block);
      }
      offset += sizes[s];
    });
    return outs;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
