/**
 * GatherV2 (embedding lookups) for the wasm backend without batch dims: x viewed as [outer, axisDim, inner],
 * out[o, i, :] = x[o, ids[i], :], one contiguous row copy per index (the stock kernel computes a full index
 * per element). Out-of-range ids are refused with the stock kernel's message.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, heapWords, i32View } from './heap';

export function makeGatherConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as TensorInfo;
    const indices = args.inputs.indices as TensorInfo;
    const batchDims = (args.attrs!.batchDims as number | undefined) ?? 0;
    if (batchDims !== 0 || indices.dtype !== 'int32' || (x.dtype !== 'float32' && x.dtype !== 'int32'))
      return stock.kernelFunc(args);
    const axis = util.parseAxisParam(args.attrs!.axis as number, x.shape)[0];
    const axisDim = x.shape[axis];
    const outer = elementCount(x.shape.slice(0, axis));
    const inner = elementCount(x.shape.slice(axis + 1));
    const ids = i32View(backend, indices).slice();
    for (const id of ids)
      util.assert(id >= 0 && id < axisDim, () => `GatherV2: the index value ${id} is not in [0, ${axisDim - 1}]`);
    const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    const heap = heapWords(backend);
    const src = byteOffsetOf(backend, x) / 4;
    let to = byteOffsetOf(backend, out) / 4;
    for (let o = 0; o < outer; o++) {
      const base = src + o * axisDim * inner;
      for (let i = 0; i < ids.length; i++, to += inner)
        heap.copyWithin(to, base + ids[i] * inner, base + (ids[i] + 1) * inner);
    }
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
