/**
 * UnsortedSegmentSum for the wasm backend, which ships none. It is the gradient of `gather`, so without it
 * no embedding can be trained on wasm. Scatter-add: out[ids[i], ...] += x[i, ...]; ids outside
 * [0, numSegments) are dropped, as the cpu backend does.
 */
import { UnsortedSegmentSum, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementCount, f32View, i32View } from './heap';

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = inputs.x as TensorInfo;
  const segmentIds = inputs.segmentIds as TensorInfo;
  const numSegments = attrs!.numSegments as number;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new TypeError(`UnsortedSegmentSum on wasm supports float32 and int32 tensors, got ${x.dtype}`);
  }
  const idCount = elementCount(segmentIds.shape);
  const inner = idCount === 0 ? 0 : elementCount(x.shape) / idCount;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = wasm.makeOutput(outShape, x.dtype);
  const ids = i32View(wasm, segmentIds);
  const src = x.dtype === 'float32' ? f32View(wasm, x) : i32View(wasm, x);
  const dst = x.dtype === 'float32' ? f32View(wasm, out) : i32View(wasm, out);
  dst.fill(0);
  for (let s = 0; s < idCount; s++) {
    const id = ids[s];
    if (id < 0 || id >= numSegments) continue;
    const from = s * inner;
    const to = id * inner;
    for (let j = 0; j < inner; j++) dst[to + j] += src[from + j];
  }
  return out;
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
