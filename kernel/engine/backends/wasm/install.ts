/**
 * Puts our wasm kernels into tfjs's registry. Call before the wasm backend is activated (so tfjs runs the
 * setup functions); installing twice is a no-op.
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeBatchMatMulConfig } from './batchMatMul';
import { makeBroadcastBinaryConfig } from './broadcastBinary';
import { makeFusedMatMulConfig } from './fusedMatMul';
import { makeGatherConfig } from './gather';
import { makeCastConfig, makeIdentityConfig } from './identity';
import { makeSoftmaxConfig } from './softmax';
import { makeSplitVConfig } from './splitV';
import { makeSumConfig } from './sumLeading';
import { makeTransposeConfig } from './transpose';
import { makePowConfig, makeSquareConfig, makeTanhConfig } from './unaryMath';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

let installed = false;
let ours: tf.KernelConfig[] = [];
let stock: tf.KernelConfig[] = [];

export function installWasmKernels(): void {
  if (installed) return;
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const stockTranspose = tf.getKernel('Transpose', 'wasm');
  const stockFusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  if (stockMatMul == null || stockTranspose == null || stockFusedMatMul == null) {
    throw new Error('tfjs-backend-wasm kernels are not registered; import @tensorflow/tfjs-backend-wasm first');
  }
  const stockOf = (name: string) => {
    const config = tf.getKernel(name, 'wasm');
    if (config == null) throw new Error(`tfjs-backend-wasm has no ${name} kernel to extend`);
    return config;
  };
  const [add, sub, mul, div, tanh, pow, square, identity, sum, softmax, gather, splitV, cast] = [
    'Add',
    'Sub',
    'Multiply',
    'RealDiv',
    'Tanh',
    'Pow',
    'Square',
    'Identity',
    'Sum',
    'Softmax',
    'GatherV2',
    'SplitV',
    'Cast',
  ].map(stockOf);
  stock = [
    stockMatMul,
    stockFusedMatMul,
    add,
    sub,
    mul,
    div,
    tanh,
    pow,
    square,
    identity,
    stockTranspose,
    sum,
    softmax,
    gather,
    splitV,
    cast,
  ];
  ours = [
    makeBatchMatMulConfig(stockMatMul, stockTranspose),
    makeFusedMatMulConfig(stockFusedMatMul, stockTranspose),
    unsortedSegmentSumConfig,
    makeBroadcastBinaryConfig(add, 'add'),
    makeBroadcastBinaryConfig(sub, 'sub'),
    makeBroadcastBinaryConfig(mul, 'mul'),
    makeBroadcastBinaryConfig(div, 'div'),
    makeTanhConfig(tanh),
    makePowConfig(pow),
    makeSquareConfig(square),
    makeIdentityConfig(identity),
    makeTransposeConfig(stockTranspose),
    makeSumConfig(sum),
    makeSoftmaxConfig(softmax),
    makeGatherConfig(gather),
    makeSplitVConfig(splitV),
    makeCastConfig(cast),
  ];
  for (const config of ours) replaceKernel(config);
  installed = true;
}

/**
 * For benchmarks: switch back to tfjs-wasm's stock kernels (false) or to ours (true). With stock kernels the
 * wasm backend again has no UnsortedSegmentSum, so embeddings cannot be trained.
 */
export function setWasmFastPaths(enabled: boolean): void {
  if (!installed)
    throw new Error('setWasmFastPaths: the wasm kernels are not installed (start the wasm backend first)');
  for (const config of ours) {
    if (tf.getKernel(config.kernelName, config.backendName) != null)
      tf.unregisterKernel(config.kernelName, config.backendName);
  }
  for (const config of enabled ? ours : stock) tf.registerKernel(config);
}

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) != null)
    tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}
