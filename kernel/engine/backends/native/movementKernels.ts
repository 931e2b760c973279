/** Transpose, GatherV2 and UnsortedSegmentSum, native on 4-byte dtypes (float32, int32). */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, i32, sizeOf, uninitWords, words, type CpuLikeBackend } from './tensorData';
import { isOwned } from './ownership';

export function transposeValues(
  addon: NativeAddon,
  values: Float32Array | Int32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array | Int32Array {
  const out = uninitWords(values instanceof Int32Array ? 'int32' : 'float32', values.length);
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
      return backend.makeTensorInfo(
        perm.map((d) => x.shape[d]),
        x.dtype,
        transposeValues(addon, values, x.shape, perm),
      );
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
      const out = uninitWords(x.dtype, sizeOf(outShape));
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

/** Slice: a strided slice is copied natively; a contiguous one stays the cpu kernel's copy-free view (see ownership.ts). */
export function sliceConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Slice',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const values = words(backend, x);
      if (!values) return stock(args);
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      tf.slice_util.assertParamsValid(x as tf.Tensor, b, s);
      // A contiguous slice is a view of x's buffer on the cpu kernel; arrays AdamW may update in place are copied.
      if (tf.slice_util.isSliceContinous(x.shape, b, s) && !isOwned(values)) return stock(args);
      const out = uninitWords(x.dtype, sizeOf(s));
      if (out.length > 0) addon.slice(values, out, Int32Array.from(x.shape), Int32Array.from(b), Int32Array.from(s));
      return backend.makeTensorInfo(s, x.dtype, out);
    },
  };
}

/** SplitV as native slices (the cpu kernel's per-element path made the QKV split the slowest op of a step). */
export function splitVConfig(addon: NativeAddon, stockSlice: tf.KernelFunc, stock: tf.KernelFunc): tf.KernelConfig {
  const slice = sliceConfig(addon, stockSlice).kernelFunc;
  return {
    kernelName: 'SplitV',
    backendName: 'native',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      if (!words(args.backend as unknown as CpuLikeBackend, x)) return stock(args);
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((n) => {
        const size = x.shape.slice();
        size[ax] = n;
        const part = slice({
          inputs: { x },
          backend: args.backend,
          attrs: { begin: begin.slice(), size },
        }) as tf.TensorInfo;
        begin[ax] += n;
        return part;
      });
    },
  };
}

export function concatConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Concat',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      const { axis } = args.attrs as unknown as { axis: number };
      const parts = inputs.map((t) => words(backend, t));
      if (inputs.length < 2 || parts.some((p) => !p) || inputs.some((t) => t.dtype !== inputs[0].dtype))
        return stock(args);
      const ax = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
      tf.backend_util.assertParamsConsistent(
        inputs.map((t) => t.shape),
        ax,
      );
      const outShape = tf.backend_util.computeOutShape(
        inputs.map((t) => t.shape),
        ax,
      );
      const out = uninitWords(inputs[0].dtype, sizeOf(outShape));
      const outer = sizeOf(outShape.slice(0, ax));
      const rowOut = sizeOf(outShape.slice(ax));
      let offset = 0;
      inputs.forEach((t, i) => {
        const rowLen = sizeOf(t.shape.slice(ax));
        if (rowLen > 0 && outer > 0) addon.copyRows(parts[i]!, out, outer, rowLen, rowOut, offset);
        offset += rowLen;
      });
      return backend.makeTensorInfo(outShape, inputs[0].dtype, out);
    },
  };
}
