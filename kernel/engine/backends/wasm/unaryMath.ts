/**
 * Tanh, Pow and Square for the wasm backend. tfjs-wasm calls libm's tanhf and powf per element (~40 ns each here,
 * and Pow with a scalar exponent also takes the slow broadcasting path); GELU's tanh form runs both on the
 * widest activation of a transformer. Tanh uses a SIMD rational approximation (≤ 2 ulp); Pow with a scalar
 * exponent of 1, 2 or 3 multiplies. Other cases go to the stock kernels.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, f32View } from './heap';
import { simdKernels } from './simd/module';

export function makeTanhConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as TensorInfo;
    const simd = simdKernels(backend);
    if (!simd || x.dtype !== 'float32') return stock.kernelFunc(args);
    const out = backend.makeOutput(x.shape, 'float32');
    simd.tanh(byteOffsetOf(backend, out), byteOffsetOf(backend, x), elementCount(x.shape));
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}

/** Square as x·x (the stock kernel is several times slower than a multiply here). */
export function makeSquareConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as TensorInfo;
    const simd = simdKernels(backend);
    if (!simd || x.dtype !== 'float32') return stock.kernelFunc(args);
    const out = backend.makeOutput(x.shape, 'float32');
    const src = byteOffsetOf(backend, x);
    simd.binaryRow('mul', byteOffsetOf(backend, out), src, 1, src, 1, elementCount(x.shape));
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}

export function makePowConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const simd = simdKernels(backend);
    if (
      !simd ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      elementCount(b.shape) !== 1 ||
      b.shape.length > a.shape.length
    ) {
      return stock.kernelFunc(args);
    }
    const exponent = f32View(backend, b)[0];
    if (exponent !== 1 && exponent !== 2 && exponent !== 3) return stock.kernelFunc(args);
    const out = backend.makeOutput(a.shape, 'float32');
    const n = elementCount(a.shape);
    const [src, dst] = [byteOffsetOf(backend, a), byteOffsetOf(backend, out)];
    if (exponent === 3) simd.cube(dst, src, n);
    else if (exponent === 2) simd.binaryRow('mul', dst, src, 1, src, 1, n);
    else f32View(backend, out).set(f32View(backend, a));
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
