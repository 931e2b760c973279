/**
 * The 'native' tfjs backend: tfjs-backend-cpu's MathBackendCPU (tensors are plain JS typed arrays, no shared
 * 4 GB heap) with every cpu kernel registered for it, and the hot kernels replaced by calls into the OpenBLAS
 * addon that read and write those arrays in place.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNativeAddon, type NativeAddon } from './addon';
import { adamwConfig, fillConfig } from './adamwNative';
import { geluConfigs } from './fusedGelu';
import { layerNormConfigs } from './fusedLayerNorm';
import { BINARY_OPS, UNARY_OPS, binaryConfig, unaryConfig } from './elementwiseKernels';
import { batchMatMulConfig, fusedMatMulConfig } from './matmulKernels';
import {
  concatConfig,
  gatherConfig,
  sliceConfig,
  splitVConfig,
  transposeConfig,
  unsortedSegmentSumConfig,
} from './movementKernels';
import { reduceConfig, softmaxConfig } from './reduceKernels';
import { NativeBackendError } from './nativeError';
import { markExposed } from './ownership';

export const NATIVE_BACKEND = 'native';

class NativeBackend extends MathBackendCPU {
  constructor() {
    super();
    // MathBackendCPU prints an install-tfjs-node banner on first use; this backend is the native path.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** dataSync()/data()/buffer() hand out the stored array itself: from then on it is never updated in place. */
  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    markExposed(values);
    return values;
  }
}

let registered = false;

/** The kernels this backend runs natively (the others are tfjs-backend-cpu's). */
export function nativeKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  const cpu = (name: string): tf.KernelFunc => {
    const config = tf.getKernel(name, 'cpu');
    if (!config) throw new NativeBackendError(`tfjs-backend-cpu has no ${name} kernel to fall back on`);
    return config.kernelFunc;
  };
  return [
    batchMatMulConfig(addon, cpu('BatchMatMul')),
    fusedMatMulConfig(addon, cpu('_FusedMatMul')),
    ...Object.keys(BINARY_OPS).map((name) => binaryConfig(addon, name, cpu(name))),
    ...Object.keys(UNARY_OPS).map((name) => unaryConfig(addon, name, cpu(name))),
    ...['Sum', 'Max', 'Min', 'Mean'].map((name) => reduceConfig(addon, name, cpu(name))),
    softmaxConfig(addon, cpu('Softmax')),
    transposeConfig(addon, cpu('Transpose')),
    gatherConfig(addon, cpu('GatherV2')),
    unsortedSegmentSumConfig(addon, cpu('UnsortedSegmentSum')),
    sliceConfig(addon, cpu('Slice')),
    splitVConfig(addon, cpu('Slice'), cpu('SplitV')),
    concatConfig(addon, cpu('Concat')),
    adamwConfig(addon),
    fillConfig(cpu('Fill')),
    ...geluConfigs(addon),
    ...layerNormConfigs(addon),
  ];
}

/** Registers the 'native' backend and its kernels (idempotent); throws NativeBackendError when the addon is absent. */
export function registerNativeBackend(): NativeAddon {
  const addon = loadNativeAddon();
  if (registered) return addon;
  require('@tensorflow/tfjs-backend-cpu');
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (tf.getKernel(config.kernelName, NATIVE_BACKEND) == null)
      tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
  }
  for (const config of nativeKernelConfigs(addon)) {
    if (tf.getKernel(config.kernelName, NATIVE_BACKEND) != null) tf.unregisterKernel(config.kernelName, NATIVE_BACKEND);
    tf.registerKernel(config);
  }
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 1);
  registered = true;
  return addon;
}
