/**
 * tfjs-backend-webgpu's Tile program handles rank ≤ 4; for rank ≥ 5 it reads the tensor back with readSync
 * and tiles on the CPU (which fails under Node, see WebGpuSyncReadError). tf.broadcastTo uses the same kernel.
 * The route keeps such tiles on the GPU: each axis with reps > 1 is tiled as a rank-3 view
 * [outer, n, inner] → [outer, n·r, inner], which is exactly tile's index map (j ↦ j mod n) along that axis.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Highest rank the stock webgpu Tile program runs on the GPU. */
export const GPU_TILE_MAX_RANK = 4;

export interface TileOps {
  tile(x: tf.TensorInfo, reps: number[]): tf.TensorInfo;
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo;
  dispose(x: tf.TensorInfo): void;
}

/** tile(x, reps) as a sequence of rank-3 tiles and reshapes. */
export function tileByAxes(x: tf.TensorInfo, reps: readonly number[], ops: TileOps): tf.TensorInfo {
  if (reps.length !== x.shape.length) {
    throw new RangeError(`tile: reps has ${reps.length} entries for a rank-${x.shape.length} tensor`);
  }
  const shape = x.shape.slice();
  let current = x;
  for (let axis = 0; axis < shape.length; axis++) {
    if (reps[axis] === 1) continue;
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const view = ops.reshape(current, [outer, shape[axis], inner]);
    const tiled = ops.tile(view, [1, reps[axis], 1]);
    shape[axis] *= reps[axis];
    const next = ops.reshape(tiled, shape);
    ops.dispose(view);
    ops.dispose(tiled);
    if (current !== x) ops.dispose(current);
    current = next;
  }
  return current === x ? ops.reshape(x, shape) : current;
}

/**
 * Replaces the Tile kernel of `backendName` by one that runs ranks ≤ GPU_TILE_MAX_RANK on the original kernel
 * and higher ranks through tileByAxes (on the same original kernel). Idempotent.
 */
export function routeTile(backendName: string): void {
  const original = tf.getKernel('Tile', backendName);
  const reshapeKernel = tf.getKernel('Reshape', backendName);
  if (original == null || reshapeKernel == null) {
    throw new Error(`cannot route Tile on ${backendName}: its Tile or Reshape kernel is not registered`);
  }
  if ((original.kernelFunc as { routed?: boolean }).routed) return;
  const originalFunc = original.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const reps = (args.attrs as unknown as { reps: number[] }).reps;
    if (x.shape.length <= GPU_TILE_MAX_RANK || x.dtype === 'string') return originalFunc(args);
    const backend = args.backend as tf.KernelBackend;
    return tileByAxes(x, reps, {
      tile: (t, r) => originalFunc({ inputs: { x: t }, backend, attrs: { reps: r } }) as tf.TensorInfo,
      reshape: (t, s) => reshapeKernel.kernelFunc({ inputs: { x: t }, backend, attrs: { shape: s } }) as tf.TensorInfo,
      dispose: (t) => backend.disposeData(t.dataId),
    });
  };
  (kernelFunc as { routed?: boolean }).routed = true;
  tf.unregisterKernel('Tile', backendName);
  tf.registerKernel({ ...original, kernelFunc });
}
