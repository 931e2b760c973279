/** The fused AdamW update (kernel/engine/kernels/adamwKernel.ts's TunebookAdamW) on the native backend. */
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { ADAMW_KERNEL, type AdamWHyper } from '../../kernels/adamwKernel';
import { f32, type CpuLikeBackend } from './tensorData';
import { NativeBackendError } from './nativeError';

export function adamwConfig(addon: NativeAddon): tf.KernelConfig {
  return {
    kernelName: ADAMW_KERNEL,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuLikeBackend;
      const { p, m, v, g } = inputs as Record<'p' | 'm' | 'v' | 'g', tf.TensorInfo>;
      const [pv, mv, vv, gv] = [p, m, v, g].map((t) => f32(cpu, t));
      if (!pv || !mv || !vv || !gv) throw new NativeBackendError('AdamW update: p, m, v and g must be float32 tensors');
      const h = attrs as unknown as AdamWHyper;
      const n = pv.length;
      const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      addon.adamw(pv, mv, vv, gv, outs[0], outs[1], outs[2], 1 - h.lr * h.weightDecay, 1 - h.beta1, h.beta2, 1 - h.beta2,
        h.lr / (1 - Math.pow(h.beta1, h.step)), Math.sqrt(1 - Math.pow(h.beta2, h.step)), h.eps);
      return outs.map((values) => cpu.makeTensorInfo(p.shape.slice(), 'float32', values));
    },
  };
}
