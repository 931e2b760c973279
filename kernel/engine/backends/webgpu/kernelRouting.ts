/**
 * What the engine needs from tfjs-backend-webgpu 4.22 and how the gaps are routed. ENGINE_KERNELS is every
 * kernel the engine ran (recorded by wrapping tf.engine().runKernel over the model parity, generation, trainer,
 * LoRA/QLoRA/prompt-tuning, heads, image-trainer, RLHF end-to-end, few-shot/prompt-search, embed/logistic-regression,
 * freeze-sweep and vision tests). All of them but the engine's own
 * AdamW are registered for webgpu; WEBGPU_ROUTES says what else is wrong there and what is done about it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { guardSyncReads, type ReadSyncOwner } from './syncReadGuard';
import { routeTile } from './tileRoute';

export const ENGINE_KERNELS: readonly string[] = [
  'Abs',
  'Add',
  'AddN',
  'ArgMax',
  'BatchMatMul',
  'Cast',
  'ClipByValue',
  'Concat',
  'Equal',
  'Erf',
  'Exp',
  'ExpandDims',
  'Fill',
  'Floor',
  'GatherNd',
  'GatherV2',
  'Greater',
  'GreaterEqual',
  'Identity',
  'Less',
  'LessEqual',
  'Log',
  'LogicalAnd',
  'Max',
  'Maximum',
  'Mean',
  'Minimum',
  'Multiply',
  'Neg',
  'NotEqual',
  'OneHot',
  'OnesLike',
  'Pack',
  'PadV2',
  'Pow',
  'Range',
  'RealDiv',
  'Relu',
  'Reshape',
  'Rsqrt',
  'Select',
  'Sigmoid',
  'Slice',
  'Softmax',
  'Softplus',
  'SplitV',
  'Sqrt',
  'Square',
  'Step',
  'Sub',
  'Sum',
  'Tanh',
  'Tile',
  'TopK',
  'Transpose',
  'TunebookAdamW',
  'UnsortedSegmentSum',
  'ZerosLike',
];

export interface WebgpuRoute {
  readonly kernel: string;
  readonly problem: string;
  readonly route: string;
}

export const WEBGPU_ROUTES: readonly WebgpuRoute[] = [
  {
    kernel: 'TunebookAdamW',
    problem: "the engine's fused AdamW kernel is registered for wasm and cpu only",
    route: 'adamwUpdate() falls back to its tfjs-op formula (≈12 elementwise GPU ops per parameter, no readback)',
  },
  {
    kernel: 'Cast, Concat, GatherV2, Neg, Slice, StridedSlice, Tile, TopK, Transpose',
    problem:
      'with WEBGPU_CPU_FORWARD (default true) inputs under 1000 elements that are not yet on the GPU run on the CPU',
    route: 'WEBGPU_CPU_FORWARD is set false: every kernel runs on the GPU',
  },
  {
    kernel: 'Tile (rank ≥ 5; also tf.broadcastTo)',
    problem: 'the GPU program covers rank ≤ 4; higher ranks are read back with readSync and tiled on the CPU',
    route: 'routed: tiled axis by axis through rank-3 views on the GPU (tileRoute.ts)',
  },
  {
    kernel: 'readSync (dataSync, arraySync, bufferSync)',
    problem: 'copies through OffscreenCanvas, which Node lacks: "OffscreenCanvas is not defined"',
    route: "a WebGpuSyncReadError that names the async reads; the engine's synchronous reads are listed in the README",
  },
];

/** Kernels in `needed` that `backendName` has no registration for (default: ENGINE_KERNELS on webgpu). */
export function missingKernels(backendName = 'webgpu', needed: readonly string[] = ENGINE_KERNELS): string[] {
  const registered = new Set(tf.getKernelsForBackend(backendName).map((k) => k.kernelName));
  return needed.filter((name) => !registered.has(name));
}

/** Kernels with a composition fallback in the engine, so their absence on webgpu is expected. */
export const COMPOSED_ELSEWHERE: readonly string[] = ['TunebookAdamW'];

/** Applies the routes: the flag, the Tile route and the readSync guard on WebGPUBackend. */
export function installWebgpuRouting(backendClass: { prototype: ReadSyncOwner }, backendName = 'webgpu'): void {
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  routeTile(backendName);
  guardSyncReads(backendClass.prototype);
}
