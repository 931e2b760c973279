/**
 * Puts our wasm kernels into tfjs's registry. Call before the wasm backend is activated (so tfjs runs the
 * setup functions); installing twice is a no-op.
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeBatchMatMulConfig } from './batchMatMul';
import { makeFusedMatMulConfig } from './fusedMatMul';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

let installed = false;

export function installWasmKernels(): void {
  if (installed) return;
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const stockTranspose = tf.getKernel('Transpose', 'wasm');
  const stockFusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  if (stockMatMul == null || stockTranspose == null || stockFusedMatMul == null) {
    throw new Error('tfjs-backend-wasm kernels are not registered; import @tensorflow/tfjs-backend-wasm first');
  }
  replaceKernel(makeBatchMatMulConfig(stockMatMul, stockTranspose));
  replaceKernel(makeFusedMatMulConfig(stockFusedMatMul, stockTranspose));
  replaceKernel(unsortedSegmentSumConfig);
  installed = true;
}

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) != null) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}
