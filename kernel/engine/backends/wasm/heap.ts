/**
 * Typed views on the wasm backend's heap, for kernels written in JavaScript.
 *
 * Any allocation (`makeOutput`) may grow the heap and detach earlier views, so take views after allocating.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmMemory } from './simd/wasmApi';

interface HeapOwner {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
  HEAPU8: Uint8Array;
}

export function wasmMemoryOf(backend: BackendWasm): WasmMemory | undefined {
  const module = backend.wasm as unknown as HeapOwner;
  return module.wasmMemory ?? module.asm?.memory;
}

function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  const memory = wasmMemoryOf(backend);
  return memory ? memory.buffer : (backend.wasm as unknown as HeapOwner).HEAPU8.buffer;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function byteOffsetOf(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

export function f32View(backend: BackendWasm, t: TensorInfo): Float32Array {
  return new Float32Array(heapBuffer(backend), byteOffsetOf(backend, t), elementCount(t.shape));
}

export function i32View(backend: BackendWasm, t: TensorInfo): Int32Array {
  return new Int32Array(heapBuffer(backend), byteOffsetOf(backend, t), elementCount(t.shape));
}

/**
 * The whole heap as 32-bit words, for moving float32/int32 data bit-exactly with `copyWithin` (no view
 * objects per row). Index = byte offset / 4.
 */
export function heapWords(backend: BackendWasm): Int32Array {
  return new Int32Array(heapBuffer(backend));
}

/** The same data under another shape of equal size (no copy; valid while `t` is alive). */
export function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}
