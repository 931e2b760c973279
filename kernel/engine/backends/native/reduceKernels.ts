/** Sum/Max/Min/Mean over any axes and Softmax over the last axis, native on float32. */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, sizeOf, uninitF32, type CpuLikeBackend } from './tensorData';
import { transposeValues } from './movementKernels';

const REDUCE_OPS: Record<string, number> = { Sum: 0, Max: 1, Min: 2, Mean: 3 };

export function reduceConfig(addon: NativeAddon, kernelName: string, stock: tf.KernelFunc): tf.KernelConfig {
  const op = REDUCE_OPS[kernelName];
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { x } = args.inputs as { x: tf.TensorInfo };
      // Max names its axes `reductionIndices`, the others `axis`.
      const attrs = args.attrs as unknown as {
        axis?: number | number[];
        reductionIndices?: number | number[];
        keepDims: boolean;
      };
      // null means every axis (parseAxisParam's reading), as on the cpu backend.
      const axis = ('axis' in attrs ? attrs.axis : attrs.reductionIndices) ?? null;
      const keepDims = attrs.keepDims;
      let values = f32(backend, x);
      if (!values) return stock(args);
      const rank = x.shape.length;
      let axes = tf.util
        .parseAxisParam(axis as number[], x.shape)
        .slice()
        .sort((p, q) => p - q);
      let shape = x.shape.slice();
      const contiguous = axes.every((d, i) => i === 0 || d === axes[i - 1] + 1);
      if (!contiguous) {
        // Move the reduced axes innermost (as the cpu backend does), then reduce the trailing block.
        const perm = tf.backend_util.getAxesPermutation(axes, rank)!;
        values = transposeValues(addon, values, shape, perm) as Float32Array;
        shape = perm.map((d) => x.shape[d]);
        axes = tf.backend_util.getInnerMostAxes(axes.length, rank);
      }
      const outer = sizeOf(shape.slice(0, axes[0] ?? rank));
      const mid = axes.length === 0 ? 1 : sizeOf(shape.slice(axes[0], axes[axes.length - 1] + 1));
      const inner = axes.length === 0 ? 1 : sizeOf(shape.slice(axes[axes.length - 1] + 1));
      const [outShape] = tf.backend_util.computeOutAndReduceShapes(
        x.shape,
        tf.util.parseAxisParam(axis as number[], x.shape),
      );
      const out = uninitF32(outer * inner);
      if (out.length > 0) {
        if (mid === 0 && (op === 1 || op === 2)) out.fill(op === 1 ? -Infinity : Infinity);
        else addon.reduce(op, values, out, outer, mid, inner);
      }
      const finalShape = keepDims
        ? tf.backend_util.expandShapeToKeepDim(outShape, tf.util.parseAxisParam(axis as number[], x.shape))
        : outShape;
      return backend.makeTensorInfo(finalShape, 'float32', out);
    },
  };
}

export function softmaxConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Softmax',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { logits } = args.inputs as { logits: tf.TensorInfo };
      const { dim } = args.attrs as unknown as { dim: number };
      const values = f32(backend, logits);
      const rank = logits.shape.length;
      if (!values || rank === 0 || tf.util.parseAxisParam([dim], logits.shape)[0] !== rank - 1) return stock(args);
      const cols = logits.shape[rank - 1];
      const out = uninitF32(values.length);
      if (out.length > 0) addon.softmax(values, out, values.length / cols, cols, false);
      return backend.makeTensorInfo(logits.shape.slice(), 'float32', out);
    },
  };
}
