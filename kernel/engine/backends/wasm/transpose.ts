/**
 * Transpose for the wasm backend. tfjs-wasm's kernel is fast for low ranks but takes ~0.5 µs per element for
 * rank 5 (GPT-2's fused-QKV split is [B, T, 3, H, D] → [3, B, H, T, D]). Here runs of dimensions that stay
 * adjacent are merged first, then the output is written row by row: a contiguous copy when the innermost
 * dimension stays innermost, a strided gather otherwise. Ranks ≤ 2 after merging go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, heapWords } from './heap';

/** Input shape and permutation with size-1 dimensions dropped and adjacent runs merged. */
export function collapseTranspose(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((d) => shape[d] !== 1);
  // runs in output order whose input dims are consecutive
  const runs: number[][] = [];
  for (const d of kept) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] + 1 === d) last.push(d);
    else runs.push([d]);
  }
  const byInputOrder = [...runs].sort((a, b) => a[0] - b[0]);
  const newShape = byInputOrder.map((run) => run.reduce((n, d) => n * shape[d], 1));
  const newPerm = runs.map((run) => byInputOrder.indexOf(run));
  return { shape: newShape, perm: newPerm };
}

/** Writes the collapsed transpose of the words at `src` to `dst` (word indices into one heap view). */
export function transposeInto(heap: Int32Array, src0: number, dst0: number, shape: number[], perm: number[]): void {
  const rank = shape.length;
  const inStrides = new Array(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * shape[d + 1];
  const outShape = perm.map((d) => shape[d]);
  const strides = perm.map((d) => inStrides[d]); // input stride of each output dim
  const inner = outShape[rank - 1];
  const innerStride = strides[rank - 1];
  const rows = elementCount(shape) / inner;
  const index = new Array(rank - 1).fill(0);
  let src = src0;
  for (let r = 0, dst = dst0; r < rows; r++, dst += inner) {
    if (innerStride === 1) heap.copyWithin(dst, src, src + inner);
    else for (let i = 0, s = src; i < inner; i++, s += innerStride) heap[dst + i] = heap[s];
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
}

export function makeTransposeConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x as TensorInfo;
    const perm = args.attrs!.perm as number[];
    const collapsed = collapseTranspose(x.shape, perm);
    if (collapsed.shape.length <= 2 || (x.dtype !== 'float32' && x.dtype !== 'int32') || elementCount(x.shape) === 0) {
      return stock.kernelFunc(args);
    }
    const out = backend.makeOutput(
      perm.map((d) => x.shape[d]),
      x.dtype,
    );
    transposeInto(
      heapWords(backend),
      byteOffsetOf(backend, x) / 4,
      byteOffsetOf(backend, out) / 4,
      collapsed.shape,
      collapsed.perm,
    );
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
