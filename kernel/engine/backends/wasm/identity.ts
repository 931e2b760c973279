/**
 * Identity (and same-dtype Cast) for the wasm backend without a copy. tfjs clones every tensor it saves for the backward pass
 * through Identity, and tfjs-wasm's Identity copies the data; tensors are immutable, so sharing the data
 * under a reference count (as the cpu backend does) is enough. String tensors go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Cast to the dtype a tensor already has (tfjs' pow gradient does this) is an identity too. */
export function makeCastConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype !== args.attrs!.dtype || x.dtype === 'string') return stock.kernelFunc(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}

export function makeIdentityConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
