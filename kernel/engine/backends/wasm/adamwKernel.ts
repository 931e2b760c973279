/**
 * One AdamW update of one parameter as a single kernel: inputs p, m, v, g → outputs [p', m', v'].
 * PyTorch's arithmetic (torch.optim.AdamW, single-tensor path):
 *   p ← p·(1 − lr·wd);  m ← m + (1 − β1)(g − m);  v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * Registered for wasm and cpu (one pass over memory instead of ~12 tfjs ops); other backends (tensorflow)
 * use the same formula as tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, f32View } from './heap';
import { simdKernels } from './simd/module';

export const ADAMW_KERNEL = 'TunebookAdamW';

export interface AdamWHyper {
  /** Learning rate of this step. */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Weight decay for this parameter (0 when it is excluded). */
  weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
}

type Arrays = { p: Float32Array; m: Float32Array; v: Float32Array; g: Float32Array };

function adamwLoop(src: Arrays, out: Arrays & {}, h: AdamWHyper): void {
  const { p, m, v, g } = src;
  const keep = 1 - h.lr * h.weightDecay;
  const stepSize = h.lr / (1 - Math.pow(h.beta1, h.step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2, h.step));
  const w1 = 1 - h.beta1;
  const w2 = 1 - h.beta2;
  const { beta2, eps } = h;
  const outP = out.p;
  const outM = out.m;
  const outV = out.v;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = m[i] + w1 * (gi - m[i]);
    const vi = beta2 * v[i] + w2 * gi * gi;
    outM[i] = mi;
    outV[i] = vi;
    outP[i] = p[i] * keep - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

function hyperOf(attrs: tf.NamedAttrMap | undefined): AdamWHyper {
  const a = attrs as unknown as AdamWHyper;
  return { lr: a.lr, beta1: a.beta1, beta2: a.beta2, eps: a.eps, weightDecay: a.weightDecay, step: a.step };
}

const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { p, m, v, g } = inputs as Record<'p' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const outs = [
    wasm.makeOutput(p.shape, 'float32'),
    wasm.makeOutput(p.shape, 'float32'),
    wasm.makeOutput(p.shape, 'float32'),
  ];
  const simd = simdKernels(wasm);
  if (simd) {
    const h = hyperOf(attrs);
    const at = (t: tf.TensorInfo) => byteOffsetOf(wasm, t);
    simd.adamw(
      at(p),
      at(m),
      at(v),
      at(g),
      at(outs[0]),
      at(outs[1]),
      at(outs[2]),
      elementCount(p.shape),
      1 - h.lr * h.weightDecay,
      1 - h.beta1,
      h.beta2,
      1 - h.beta2,
      h.lr / (1 - Math.pow(h.beta1, h.step)),
      Math.sqrt(1 - Math.pow(h.beta2, h.step)),
      h.eps,
    );
    return outs;
  }
  adamwLoop(
    { p: f32View(wasm, p), m: f32View(wasm, m), v: f32View(wasm, v), g: f32View(wasm, g) },
    { p: f32View(wasm, outs[0]), m: f32View(wasm, outs[1]), v: f32View(wasm, outs[2]), g: new Float32Array(0) },
    hyperOf(attrs),
  );
  return outs;
};

interface CpuBackendLike {
  data: { get(id: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackendLike;
  const { p, m, v, g } = inputs as Record<'p' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const values = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values as Float32Array;
  const n = values(p).length;
  const out = { p: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n), g: new Float32Array(0) };
  adamwLoop({ p: values(p), m: values(m), v: values(v), g: values(g) }, out, hyperOf(attrs));
  return [
    cpu.makeTensorInfo(p.shape, 'float32', out.p),
    cpu.makeTensorInfo(p.shape, 'float32', out.m),
    cpu.makeTensorInfo(p.shape, 'float32', out.v),
  ];
};

let registered = false;

/** Registers the fused kernel for the wasm and cpu backends (idempotent). */
export function registerAdamWKernels(): void {
  if (registered) return;
  for (const [backendName, kernelFunc] of [
    ['wasm', wasmKernel],
    ['cpu', cpuKernel],
  ] as const) {
    if (tf.getKernel(ADAMW_KERNEL, backendName) == null)
      tf.registerKernel({ kernelName: ADAMW_KERNEL, backendName, kernelFunc });
  }
  registered = true;
}

/** [p', m', v'] for one parameter; not differentiable. Inputs must be float32 of one shape. */
export function adamwUpdate(
  p: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  h: AdamWHyper,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  registerAdamWKernels();
  if (g.dtype !== 'float32') g = tf.cast(g, 'float32');
  if (tf.getKernel(ADAMW_KERNEL, tf.getBackend()) != null) {
    const attrs = { ...h } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(ADAMW_KERNEL, { p, m, v, g }, attrs) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  return tf.tidy(() => {
    const stepSize = h.lr / (1 - Math.pow(h.beta1, h.step));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2, h.step));
    const m2 = tf.add(m, tf.mul(tf.sub(g, m), 1 - h.beta1));
    const v2 = tf.add(tf.mul(v, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v2), bc2Sqrt), h.eps);
    const p2 = tf.sub(tf.mul(p, 1 - h.lr * h.weightDecay), tf.mul(tf.div(m2, denom), stepSize));
    return [p2, m2, v2];
  });
}
