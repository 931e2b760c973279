/** Transpose, GatherV2 and UnsortedSegmentSum, native on 4-byte dtypes (float32, int32). */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, i32, newWords, sizeOf, words, type CpuLikeBackend } from './tensorData';

export function transposeValues(addon: NativeAddon, values: Float32Array | Int32Array, shape: readonly number[], perm: readonly number[]): Float32Array | Int32Array {
  const out = values instanceof Int32Array ? new Int32Array(values.length) : new Float32Array(values.length);
  if (values.length > 0) addon.transpose(values, out, Int32Array.from(shape), Int32Array.from(perm));
  return out;
}

export function transposeConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Transpose',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { perm } = args.attrs as unknown as { perm: number[] };
      const values = words(backend, x);
      if (!values) return stock(args);
      return backend.makeTensorInfo(perm.map((d) => x.shape[d]), x.dtype, transposeValues(addon, values, x.shape, perm));
    },
  };
}

export function gatherConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'GatherV2',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
      const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
      const values = words(backend, x);
      const idx = i32(backend, indices);
      if (!values || !idx || (batchDims ?? 0) !== 0) return stock(args);
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      const outShape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
      const out = newWords(x.dtype, sizeOf(outShape));
      const outer = sizeOf(x.shape.slice(0, ax));
      const inner = sizeOf(x.shape.slice(ax + 1));
      const bad = addon.gather(values, idx, out, outer, x.shape[ax], inner);
      if (bad >= 0) throw new Error(`GatherV2: the index value ${idx[bad]} is not in [0, ${x.shape[ax] - 1}]`);
      return backend.makeTensorInfo(outShape, x.dtype, out);
    },
  };
}

export function unsortedSegmentSumConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = args.attrs as unknown as { numSegments: number };
      const values = f32(backend, x);
      const ids = i32(backend, segmentIds);
      const idRank = segmentIds.shape.length;
      const prefixMatches = segmentIds.shape.every((d, i) => x.shape[i] === d);
      if (!values || !ids || !prefixMatches) return stock(args);
      const rest = x.shape.slice(idRank);
      const rowSize = sizeOf(rest);
      const out = new Float32Array(numSegments * rowSize);
      if (out.length > 0 && ids.length > 0) addon.segmentSum(values, ids, out, numSegments, rowSize);
      return backend.makeTensorInfo([numSegments, ...rest], 'float32', out);
    },
  };
}
