/**
 * Which typed arrays the native AdamW may update in place: ones it allocated itself, whose whole buffer is theirs,
 * that no tensor but the one being updated refers to (refCount 1) and that were never handed out by
 * dataSync()/data()/buffer() (the cpu backend returns its own array there, not a copy). Contiguous slices of
 * such arrays are copied instead of viewed (see movementKernels.ts), so no other tensor can alias them.
 */
import type * as tf from '@tensorflow/tfjs-core';

const owned = new WeakSet<object>();
const exposed = new WeakSet<object>();

export function markOwned(values: Float32Array): Float32Array {
  owned.add(values);
  return values;
}

export function isOwned(values: unknown): boolean {
  return typeof values === 'object' && values !== null && owned.has(values);
}

export function markExposed(values: unknown): void {
  if (typeof values === 'object' && values !== null) exposed.add(values);
}

interface RefCountedBackend {
  data: { get(id: tf.DataId): { values?: unknown; refCount: number } };
}

/** True when `t`'s values may be overwritten without any other tensor or caller seeing it. */
export function mayUpdateInPlace(backend: RefCountedBackend, t: tf.TensorInfo): boolean {
  const entry = backend.data.get(t.dataId);
  const v = entry?.values;
  return (
    v instanceof Float32Array &&
    entry.refCount === 1 &&
    owned.has(v) &&
    !exposed.has(v) &&
    v.byteOffset === 0 &&
    v.byteLength === v.buffer.byteLength
  );
}
