/** The fused AdamW update (kernel/engine/backends/wasm/adamwKernel.ts's TunebookAdamW) on the native backend. */
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { ADAMW_KERNEL, type AdamWHyper } from '../wasm/adamwKernel';
import { f32, uninitF32, type CpuLikeBackend } from './tensorData';
import { NativeBackendError } from './nativeError';
import { markOwned, mayUpdateInPlace } from './ownership';

interface IncRefBackend {
  incRef(id: tf.DataId): void;
}

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
      const run = (outP: Float32Array, outM: Float32Array, outV: Float32Array) =>
        addon.adamw(
          pv,
          mv,
          vv,
          gv,
          outP,
          outM,
          outV,
          1 - h.lr * h.weightDecay,
          1 - h.beta1,
          h.beta2,
          1 - h.beta2,
          h.lr / (1 - Math.pow(h.beta1, h.step)),
          Math.sqrt(1 - Math.pow(h.beta2, h.step)),
          h.eps,
        );
      const refs = cpu as unknown as Parameters<typeof mayUpdateInPlace>[0] & IncRefBackend;
      if (
        p.dataId !== m.dataId &&
        m.dataId !== v.dataId &&
        p.dataId !== v.dataId &&
        [p, m, v].every((t) => mayUpdateInPlace(refs, t))
      ) {
        // Nothing else sees these arrays: update them where they are (no 3 × parameter-size allocation per step)
        // and return the same data, as the cpu backend's Identity does.
        run(pv, mv, vv);
        return [p, m, v].map((t) => {
          refs.incRef(t.dataId);
          return { dataId: t.dataId, shape: t.shape.slice(), dtype: 'float32' as const };
        });
      }
      const n = pv.length;
      const outs = [markOwned(uninitF32(n)), markOwned(uninitF32(n)), markOwned(uninitF32(n))];
      run(outs[0], outs[1], outs[2]);
      return outs.map((values) => cpu.makeTensorInfo(p.shape.slice(), 'float32', values));
    },
  };
}

/**
 * Fill for float32 marks its array as the native backend's own, so optimizer moments made with tf.fill (see
 * optim.ts) are updated in place from the first step instead of being copied once.
 */
export function fillConfig(stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Fill',
    backendName: 'native',
    kernelFunc: (args) => {
      const { shape, value, dtype } = args.attrs as unknown as { shape: number[]; value: number; dtype?: tf.DataType };
      if ((dtype ?? 'float32') !== 'float32' || typeof value !== 'number') return stock(args);
      const n = shape.reduce((a, b) => a * b, 1);
      const values = markOwned(new Float32Array(n));
      if (value !== 0) values.fill(value);
      return (args.backend as unknown as CpuLikeBackend).makeTensorInfo(shape.slice(), 'float32', values);
    },
  };
}
