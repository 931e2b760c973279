/**
 * Replaces the tfjs cpu backend's UnsortedSegmentSum (one Equal/Mul/Sum per segment, so an embedding gradient
 * over a V-row table creates V temporaries) by a direct scatter-add, which is what the wasm and native rungs
 * run. Memory measurements (bench/measureStep.ts) install it so they see the engine's real rungs' footprint.
 */
import * as tf from '@tensorflow/tfjs-core';

let installed = false;

export function installCpuScatterAdd(): void {
  if (installed) return;
  installed = true;
  tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const cpu = backend as unknown as {
        data: { get(id: object): { values: Float32Array | Int32Array } };
        makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
      };
      const values = cpu.data.get(x.dataId).values;
      const ids = cpu.data.get(segmentIds.dataId).values;
      const rows = ids.length;
      const width = rows === 0 ? 0 : values.length / rows;
      const out = new Float32Array(numSegments * width);
      for (let r = 0; r < rows; r++) {
        const s = ids[r];
        if (s < 0 || s >= numSegments) continue;
        const src = r * width;
        const dst = s * width;
        for (let j = 0; j < width; j++) out[dst + j] += values[src + j];
      }
      return cpu.makeTensorInfo([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32', out);
    },
  });
}
