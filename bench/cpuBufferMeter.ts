/**
 * Measures the bytes of the typed arrays the tfjs `cpu` backend really holds (each data buffer once, however
 * many tensors view it — unlike `tf.memory().numBytes`, which counts a reshape or a saved-for-backward clone
 * again), and their peak. It wraps the backend's data storage `set`/`delete`; `stop()` unwraps it.
 * Used by the memory-estimate test and bench/memoryCalibration.ts (the `native` rung keeps tensors the same way).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface BufferMeter {
  readonly liveBytes: number;
  readonly peakBytes: number;
  /** Starts a new peak from the bytes live now. */
  resetPeak(): void;
  stop(): void;
}

interface DataStorage {
  set(id: object, value: { values?: { byteLength?: number } }): void;
  delete(id: object): boolean;
}

export function meterCpuBuffers(): BufferMeter {
  const backend = tf.findBackend('cpu') as unknown as { data?: DataStorage } | null;
  const storage = backend?.data;
  if (!storage) throw new Error('meterCpuBuffers needs the tfjs cpu backend registered and started');
  const sizes = new Map<object, number>();
  const originalSet = storage.set;
  const originalDelete = storage.delete;
  let live = 0;
  let peak = 0;
  storage.set = function (id, value) {
    const bytes = value?.values?.byteLength ?? 0;
    live += bytes - (sizes.get(id) ?? 0);
    sizes.set(id, bytes);
    if (live > peak) peak = live;
    return originalSet.call(this, id, value);
  };
  storage.delete = function (id) {
    live -= sizes.get(id) ?? 0;
    sizes.delete(id);
    return originalDelete.call(this, id);
  };
  return {
    get liveBytes() {
      return live;
    },
    get peakBytes() {
      return peak;
    },
    resetPeak() {
      peak = live;
    },
    stop() {
      storage.set = originalSet;
      storage.delete = originalDelete;
    },
  };
}
