/**
 * GELU as one native kernel forward and one backward (tf.customGrad), used by the models' activations when
 * the native backend runs; elsewhere `fusedGelu` returns null and the caller composes tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, uninitF32, type CpuLikeBackend } from './tensorData';
import { NativeBackendError } from './nativeError';

export const GELU_KERNEL = 'TunebookGelu';
export const GELU_GRAD_KERNEL = 'TunebookGeluGrad';

export type GeluForm = 'tanh' | 'erf';

function values(backend: CpuLikeBackend, t: tf.TensorInfo, what: string): Float32Array {
  const v = f32(backend, t);
  if (!v) throw new NativeBackendError(`GELU: ${what} must be a float32 tensor, got ${t.dtype}`);
  return v;
}

export function geluConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [
    {
      kernelName: GELU_KERNEL,
      backendName: 'native',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuLikeBackend;
        const x = (inputs as { x: tf.TensorInfo }).x;
        const xv = values(cpu, x, 'x');
        const out = uninitF32(xv.length);
        addon.gelu(xv, out, (attrs as unknown as { form: GeluForm }).form === 'tanh');
        return cpu.makeTensorInfo(x.shape.slice(), 'float32', out);
      },
    },
    {
      kernelName: GELU_GRAD_KERNEL,
      backendName: 'native',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuLikeBackend;
        const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
        const xv = values(cpu, x, 'x');
        const dyv = values(cpu, dy, 'dy');
        const out = uninitF32(xv.length);
        addon.geluGrad(xv, dyv, out, (attrs as unknown as { form: GeluForm }).form === 'tanh');
        return cpu.makeTensorInfo(x.shape.slice(), 'float32', out);
      },
    },
  ];
}

const fused: Record<GeluForm, (x: tf.Tensor) => tf.Tensor> = {
  tanh: tf.customGrad((x, save) => fusedGeluOp(x as tf.Tensor, save as tf.GradSaveFunc, 'tanh')) as (
    x: tf.Tensor,
  ) => tf.Tensor,
  erf: tf.customGrad((x, save) => fusedGeluOp(x as tf.Tensor, save as tf.GradSaveFunc, 'erf')) as (
    x: tf.Tensor,
  ) => tf.Tensor,
};

function fusedGeluOp(
  x: tf.Tensor,
  save: tf.GradSaveFunc,
  form: GeluForm,
): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor } {
  save([x]);
  const attrs = { form } as unknown as tf.NamedAttrMap;
  const value = tf.engine().runKernel(GELU_KERNEL, { x }, attrs) as tf.Tensor;
  return {
    value,
    gradFunc: (dy, [saved]) => tf.engine().runKernel(GELU_GRAD_KERNEL, { x: saved, dy }, attrs) as tf.Tensor,
  };
}

/** GELU of a float32 tensor as one native kernel (and one for its gradient), or null when not on the native backend. */
export function fusedGelu(x: tf.Tensor, form: GeluForm): tf.Tensor | null {
  if (x.dtype !== 'float32' || tf.getBackend() !== 'native' || tf.getKernel(GELU_KERNEL, 'native') == null) return null;
  return fused[form](x);
}
