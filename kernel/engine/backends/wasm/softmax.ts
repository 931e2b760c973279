/**
 * Softmax over the last axis for small tensors on the wasm backend (generation's one-query attention rows).
 * tfjs-wasm runs XNNPACK's softmax through its thread pool, whose dispatch costs far more than a few hundred
 * exponentials, and much more when other processes compete for the cores. Larger inputs stay on XNNPACK.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { elementCount, f32View } from './heap';

/** Inputs up to this many elements are computed here. */
export const SMALL_SOFTMAX_ELEMENTS = 16384;

export function softmaxRows(x: Float32Array, out: Float32Array, width: number): void {
  for (let start = 0; start < x.length; start += width) {
    let max = -Infinity;
    for (let i = start; i < start + width; i++) if (x[i] > max) max = x[i];
    if (max === -Infinity) max = 0; // a row of -Infinity: exp gives 0/0 = NaN, as the stock kernel
    let sum = 0;
    for (let i = start; i < start + width; i++) {
      const e = Math.exp(x[i] - max);
      out[i] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = start; i < start + width; i++) out[i] *= inv;
  }
}

export function makeSoftmaxConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const logits = args.inputs.logits as TensorInfo;
    const rank = logits.shape.length;
    const dim = args.attrs!.dim as number;
    const lastAxis = dim === -1 || dim === rank - 1;
    const size = elementCount(logits.shape);
    if (logits.dtype !== 'float32' || !lastAxis || size === 0 || size > SMALL_SOFTMAX_ELEMENTS)
      return stock.kernelFunc(args);
    const out = backend.makeOutput(logits.shape, 'float32');
    softmaxRows(f32View(backend, logits), f32View(backend, out), logits.shape[rank - 1]);
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
