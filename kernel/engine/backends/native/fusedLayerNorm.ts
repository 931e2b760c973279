/**
 * LayerNorm over the last axis as one native kernel forward and one backward (tf.customGrad), used by the
 * models' LayerNorm on the native backend; elsewhere `fusedLayerNorm` returns null and the caller composes ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, uninitF32, type CpuLikeBackend } from './tensorData';
import { NativeBackendError } from './nativeError';

export const LAYER_NORM_KERNEL = 'TunebookLayerNorm';
export const LAYER_NORM_GRAD_KERNEL = 'TunebookLayerNormGrad';

function values(backend: CpuLikeBackend, t: tf.TensorInfo, what: string): Float32Array {
  const v = f32(backend, t);
  if (!v) throw new NativeBackendError(`LayerNorm: ${what} must be a float32 tensor, got ${t.dtype}`);
  return v;
}

export function layerNormConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [
    {
      kernelName: LAYER_NORM_KERNEL,
      backendName: 'native',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuLikeBackend;
        const { x, weight, bias } = inputs as Record<'x' | 'weight' | 'bias', tf.TensorInfo>;
        const cols = x.shape[x.shape.length - 1];
        const xv = values(cpu, x, 'x');
        const out = uninitF32(xv.length);
        if (xv.length > 0)
          addon.layerNorm(
            xv,
            values(cpu, weight, 'weight'),
            values(cpu, bias, 'bias'),
            out,
            xv.length / cols,
            cols,
            (attrs as { eps: number }).eps,
          );
        return cpu.makeTensorInfo(x.shape.slice(), 'float32', out);
      },
    },
    {
      kernelName: LAYER_NORM_GRAD_KERNEL,
      backendName: 'native',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuLikeBackend;
        const { x, weight, dy } = inputs as Record<'x' | 'weight' | 'dy', tf.TensorInfo>;
        const cols = x.shape[x.shape.length - 1];
        const xv = values(cpu, x, 'x');
        const dx = uninitF32(xv.length);
        const dw = new Float32Array(cols);
        const db = new Float32Array(cols);
        if (xv.length > 0) {
          addon.layerNormGrad(
            xv,
            values(cpu, weight, 'weight'),
            values(cpu, dy, 'dy'),
            dx,
            dw,
            db,
            xv.length / cols,
            cols,
            (attrs as { eps: number }).eps,
          );
        }
        return [
          cpu.makeTensorInfo(x.shape.slice(), 'float32', dx),
          cpu.makeTensorInfo([cols], 'float32', dw),
          cpu.makeTensorInfo([cols], 'float32', db),
        ];
      },
    },
  ];
}

/** LayerNorm(x)·weight + bias over the last axis as native kernels, or null when not on the native backend. */
export function fusedLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor | null {
  const cols = x.shape[x.shape.length - 1];
  if (
    x.rank === 0 ||
    weight.shape.length !== 1 ||
    weight.shape[0] !== cols ||
    bias.shape.length !== 1 ||
    bias.shape[0] !== cols
  )
    return null;
  if (
    [x, weight, bias].some((t) => t.dtype !== 'float32') ||
    tf.getBackend() !== 'native' ||
    tf.getKernel(LAYER_NORM_KERNEL, 'native') == null
  )
    return null;
  return withEps(eps)(x, weight, bias);
}

const byEps = new Map<number, (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => tf.Tensor>();

/** tf.customGrad takes tensors only, so each epsilon gets its own differentiable function. */
function withEps(eps: number): (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => tf.Tensor {
  let fn = byEps.get(eps);
  if (!fn) {
    const attrs = { eps } as unknown as tf.NamedAttrMap;
    fn = tf.customGrad((x, weight, bias, save) => {
      const [xt, wt, bt] = [x, weight, bias] as tf.Tensor[];
      (save as unknown as tf.GradSaveFunc)([xt, wt]);
      const value = tf.engine().runKernel(LAYER_NORM_KERNEL, { x: xt, weight: wt, bias: bt }, attrs) as tf.Tensor;
      return {
        value,
        gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) =>
          tf.engine().runKernel(LAYER_NORM_GRAD_KERNEL, { x: sx, weight: sw, dy }, attrs) as tf.Tensor[],
      };
    }) as unknown as (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => tf.Tensor;
    byEps.set(eps, fn);
  }
  return fn;
}
