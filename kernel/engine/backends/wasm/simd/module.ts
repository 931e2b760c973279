/**
 * Our SIMD kernels, compiled once per wasm backend instance into a module that imports the backend's own
 * memory, so they read and write tfjs tensors in place. Undefined when the runtime cannot compile them
 * (no wasm SIMD); callers then use their JavaScript fallbacks.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GemmShape } from '../gemmJs';
import { byteOffsetOf, wasmMemoryOf } from '../heap';
import { buildAdamW } from './adamwKernel';
import { buildBinaryKernels, buildCube, buildTanh } from './elementwiseKernels';
import { buildGemm } from './gemmKernel';
import { wasmApi } from './wasmApi';
import { encodeModule } from './wasmEncoder';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** Kernels on the backend's heap; addresses are byte offsets, steps and counts are in elements. */
export interface SimdKernels {
  gemmBatched(a: TensorInfo, b: TensorInfo, out: TensorInfo, shape: GemmShape): void;
  /** out[i] = a[i·aStep] op b[i·bStep] for i < n; steps are 0 or 1. */
  binaryRow(op: BinaryOp, out: number, a: number, aStep: number, b: number, bStep: number, n: number): void;
  tanh(out: number, x: number, n: number): void;
  cube(out: number, x: number, n: number): void;
  /** See simd/adamwKernel.ts for the argument order. */
  adamw(...args: number[]): void;
}

type Export = (...args: number[]) => void;

const instances = new WeakMap<BackendWasm, SimdKernels | null>();
let disabled = false;

/** For tests and benchmarks: force the JavaScript fallbacks. */
export function setSimdKernelsEnabled(enabled: boolean): void {
  disabled = !enabled;
}

export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  if (disabled) return undefined;
  if (!instances.has(backend)) instances.set(backend, compile(backend));
  return instances.get(backend) ?? undefined;
}

function compile(backend: BackendWasm): SimdKernels | null {
  const memory = wasmMemoryOf(backend);
  if (!memory) return null;
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  let exports: Record<string, unknown>;
  try {
    const module = new wasmApi.Module(
      encodeModule([buildGemm(), ...buildBinaryKernels(), buildTanh(), buildCube(), buildAdamW()], shared),
    );
    exports = new wasmApi.Instance(module, { env: { memory } }).exports;
  } catch {
    return null;
  }
  const gemm = exports.gemm as Export;
  const binary = { add: exports.add, sub: exports.sub, mul: exports.mul, div: exports.div } as Record<BinaryOp, Export>;
  const scratch = new Scratch(backend);
  return {
    binaryRow: (op, out, a, aStep, b, bStep, n) => binary[op](out, a, aStep, b, bStep, n),
    tanh: exports.tanh as Export,
    cube: exports.cube as Export,
    adamw: exports.adamw as Export,
    gemmBatched(a, b, out, s) {
      const packed = scratch.reserve(s.k * ((s.n + 7) & ~7) * 4);
      const aRow = s.transposeA ? 1 : s.k;
      const aCol = s.transposeA ? s.m : 1;
      const bRow = s.transposeB ? 1 : s.n;
      const bCol = s.transposeB ? s.k : 1;
      gemm(
        byteOffsetOf(backend, a),
        byteOffsetOf(backend, b),
        byteOffsetOf(backend, out),
        packed,
        s.batch,
        s.m,
        s.n,
        s.k,
        s.aBatchStride,
        s.bBatchStride,
        aRow,
        aCol,
        bRow,
        bCol,
      );
    },
  };
}

/** One growing scratch block on the backend's heap, kept for the life of the backend. */
class Scratch {
  private address = 0;
  private bytes = 0;
  constructor(private readonly backend: BackendWasm) {}

  reserve(bytes: number): number {
    if (bytes > this.bytes) {
      const heap = this.backend.wasm as unknown as { _malloc(n: number): number; _free(p: number): void };
      if (this.address !== 0) heap._free(this.address);
      this.bytes = Math.max(bytes, 2 * this.bytes, 1 << 16);
      this.address = heap._malloc(this.bytes) >>> 0;
    }
    return this.address;
  }
}
