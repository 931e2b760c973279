/**
 * Add, Sub, Multiply and RealDiv on float32 for the wasm backend.
 * tfjs-wasm's broadcasting path recomputes a multi-dimensional index per element (~40 ns each here), which
 * made bias adds, LayerNorm's centring/scaling and attention-mask adds some of the slowest ops of a train
 * step; and its equal-shape path goes through XNNPACK's thread pool, whose dispatch stalls when other
 * processes hold the cores, for work that is memory-bound anyway. Here the broadcast is collapsed to rows
 * (equal shapes: one row) and every row is one single-threaded SIMD loop where each operand steps by 1 or
 * stays put. Other dtypes go to the stock kernels.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { byteOffsetOf, elementCount, f32View } from './heap';
import { simdKernels, type BinaryOp } from './simd/module';

/** Collapsed broadcast: outer dims (with per-operand strides) and one inner row (per-operand step 0 or 1). */
export interface BroadcastPlan {
  outerSizes: number[];
  aOuterStrides: number[];
  bOuterStrides: number[];
  inner: number;
  aStep: number;
  bStep: number;
}

export function broadcastPlan(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): BroadcastPlan {
  const rank = outShape.length;
  const pad = (s: readonly number[]) => [...Array(rank - s.length).fill(1), ...s];
  const stridesOf = (shape: number[]) => {
    const strides = Array(rank).fill(0);
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      strides[d] = shape[d] === 1 && outShape[d] !== 1 ? 0 : stride;
      stride *= shape[d];
    }
    return strides;
  };
  const aStrides = stridesOf(pad(aShape));
  const bStrides = stridesOf(pad(bShape));
  // Merge dim d into the group on its left when both operands walk the pair as one dimension.
  const sizes: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (outShape[d] === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && as[last] === aStrides[d] * outShape[d] && bs[last] === bStrides[d] * outShape[d]) {
      sizes[last] *= outShape[d];
      as[last] = aStrides[d];
      bs[last] = bStrides[d];
    } else {
      sizes.push(outShape[d]);
      as.push(aStrides[d]);
      bs.push(bStrides[d]);
    }
  }
  if (sizes.length === 0) return { outerSizes: [], aOuterStrides: [], bOuterStrides: [], inner: 1, aStep: 0, bStep: 0 };
  return {
    outerSizes: sizes.slice(0, -1),
    aOuterStrides: as.slice(0, -1),
    bOuterStrides: bs.slice(0, -1),
    inner: sizes[sizes.length - 1],
    aStep: as[as.length - 1],
    bStep: bs[bs.length - 1],
  };
}

/** Calls `row(aOffset, bOffset, outOffset)` (element offsets) for every inner row of the plan. */
export function forEachRow(
  plan: BroadcastPlan,
  row: (aOffset: number, bOffset: number, outOffset: number) => void,
): void {
  const dims = plan.outerSizes.length;
  const index = new Array(dims).fill(0);
  const rows = elementCount(plan.outerSizes);
  let aOffset = 0;
  let bOffset = 0;
  for (let r = 0; r < rows; r++) {
    row(aOffset, bOffset, r * plan.inner);
    for (let d = dims - 1; d >= 0; d--) {
      index[d]++;
      aOffset += plan.aOuterStrides[d];
      bOffset += plan.bOuterStrides[d];
      if (index[d] < plan.outerSizes[d]) break;
      aOffset -= plan.aOuterStrides[d] * plan.outerSizes[d];
      bOffset -= plan.bOuterStrides[d] * plan.outerSizes[d];
      index[d] = 0;
    }
  }
}

const SCALAR: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

export function makeBroadcastBinaryConfig(stock: KernelConfig, op: BinaryOp): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput(outShape, 'float32');
    if (elementCount(outShape) === 0) return out;
    const plan = broadcastPlan(a.shape, b.shape, outShape);
    const simd = simdKernels(backend);
    if (simd) {
      const [aBase, bBase, outBase] = [byteOffsetOf(backend, a), byteOffsetOf(backend, b), byteOffsetOf(backend, out)];
      forEachRow(plan, (ao, bo, oo) =>
        simd.binaryRow(op, outBase + 4 * oo, aBase + 4 * ao, plan.aStep, bBase + 4 * bo, plan.bStep, plan.inner),
      );
    } else {
      const [av, bv, ov] = [f32View(backend, a), f32View(backend, b), f32View(backend, out)];
      const f = SCALAR[op];
      forEachRow(plan, (ao, bo, oo) => {
        for (let i = 0; i < plan.inner; i++) ov[oo + i] = f(av[ao + i * plan.aStep], bv[bo + i * plan.bStep]);
      });
    }
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
