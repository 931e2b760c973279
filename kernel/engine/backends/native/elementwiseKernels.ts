/** Broadcasting binary arithmetic and unary math on float32, native; other dtypes run the cpu kernels. */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, sizeOf, stridesOf, uninitF32, type CpuLikeBackend } from './tensorData';

/** Kernel name → the addon's binary op code (src/elementwise.cc). */
export const BINARY_OPS: Record<string, number> = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
  Pow: 7,
};

/** Kernel name → the addon's unary op code. */
export const UNARY_OPS: Record<string, number> = {
  Tanh: 0,
  Exp: 1,
  Log: 2,
  Sqrt: 3,
  Rsqrt: 4,
  Square: 5,
  Neg: 6,
  Relu: 7,
  Sigmoid: 8,
  Abs: 9,
  Erf: 10,
  Reciprocal: 11,
};

/** Strides of `shape` aligned to `outShape` from the right, 0 on broadcast axes. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const own = stridesOf(shape);
  const out = new Int32Array(outShape.length);
  const lead = outShape.length - shape.length;
  for (let d = 0; d < shape.length; d++) out[lead + d] = shape[d] === 1 ? 0 : own[d];
  return out;
}

export function binaryConfig(addon: NativeAddon, kernelName: string, stock: tf.KernelFunc): tf.KernelConfig {
  const op = BINARY_OPS[kernelName];
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const av = f32(backend, a);
      const bv = f32(backend, b);
      if (!av || !bv) return stock(args);
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = uninitF32(sizeOf(outShape));
      if (out.length > 0) {
        addon.binary(
          op,
          av,
          bv,
          out,
          Int32Array.from(outShape),
          broadcastStrides(a.shape, outShape),
          broadcastStrides(b.shape, outShape),
        );
      }
      return backend.makeTensorInfo(outShape, 'float32', out);
    },
  };
}

export function unaryConfig(addon: NativeAddon, kernelName: string, stock: tf.KernelFunc): tf.KernelConfig {
  const op = UNARY_OPS[kernelName];
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { x } = args.inputs as { x: tf.TensorInfo };
      const xv = f32(backend, x);
      if (!xv) return stock(args);
      const out = uninitF32(xv.length);
      addon.unary(op, xv, out);
      return backend.makeTensorInfo(x.shape.slice(), 'float32', out);
    },
  };
}
