/** Access to the typed arrays behind tensors of a MathBackendCPU-based backend (no copies). */
import type * as tf from '@tensorflow/tfjs-core';

export interface CpuLikeBackend {
  data: { get(id: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

export function valuesOf(backend: CpuLikeBackend, t: tf.TensorInfo): unknown {
  return backend.data.get(t.dataId).values;
}

/** The Float32Array of a float32 tensor, or null (other dtype, or not materialised as one). */
export function f32(backend: CpuLikeBackend, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = valuesOf(backend, t);
  return v instanceof Float32Array ? v : null;
}

export function i32(backend: CpuLikeBackend, t: tf.TensorInfo): Int32Array | null {
  const v = valuesOf(backend, t);
  return v instanceof Int32Array ? v : null;
}

/** Float32Array or Int32Array values (4-byte elements), for data movement. */
export function words(backend: CpuLikeBackend, t: tf.TensorInfo): Float32Array | Int32Array | null {
  const v = valuesOf(backend, t);
  if (t.dtype === 'float32' && v instanceof Float32Array) return v;
  if (t.dtype === 'int32' && v instanceof Int32Array) return v;
  return null;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/**
 * A Float32Array of n elements whose memory is not zeroed (Node's unpooled Buffer memory): for outputs a
 * kernel writes completely, saving the zero-fill pass over memory that `new Float32Array(n)` makes.
 */
export function uninitF32(n: number): Float32Array {
  if (n === 0) return new Float32Array(0);
  return new Float32Array(Buffer.allocUnsafeSlow(n * 4).buffer, 0, n);
}

export function uninitWords(dtype: tf.DataType, n: number): Float32Array | Int32Array {
  if (n === 0) return dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
  const buffer = Buffer.allocUnsafeSlow(n * 4).buffer;
  return dtype === 'int32' ? new Int32Array(buffer, 0, n) : new Float32Array(buffer, 0, n);
}
