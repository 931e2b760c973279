/** BatchMatMul and _FusedMatMul on cblas_sgemm; transposes are passed to GEMM, never materialised. */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { f32, sizeOf, uninitF32, type CpuLikeBackend } from './tensorData';

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, sigmoid: 2 };

interface Product {
  out: Float32Array;
  shape: number[];
}

/** a·b with tfjs's batch broadcasting (flattened batch indices taken modulo each side's batch), or null. */
function product(
  addon: NativeAddon,
  backend: CpuLikeBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  tA: boolean,
  tB: boolean,
  bias: Float32Array | null,
  activation: number,
): Product | null {
  const av = f32(backend, a);
  const bv = f32(backend, b);
  if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = tA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const k2 = tB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== k2) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${k2}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${tA} and transposeB=${tB} must match.`,
    );
  }
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  const out = uninitF32(batch * m * n);
  if (batchA > 0 && batchB > 0) addon.gemm(av, bv, out, batchA, batchB, m, n, k, tA, tB, bias, activation);
  return { out, shape: [...batchShape, m, n] };
}

export function batchMatMulConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const p = product(addon, backend, a, b, transposeA, transposeB, null, 0);
      return p ? backend.makeTensorInfo(p.shape, 'float32', p.out) : stock(args);
    },
  };
}

export function fusedMatMulConfig(addon: NativeAddon, stock: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: '_FusedMatMul',
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as unknown as CpuLikeBackend;
      const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const { transposeA, transposeB, activation } = args.attrs as {
        transposeA: boolean;
        transposeB: boolean;
        activation: string;
      };
      const act = ACTIVATIONS[activation ?? 'linear'];
      const n = transposeB ? b!.shape[b!.shape.length - 2] : b!.shape[b!.shape.length - 1];
      const biasValues = bias ? f32(backend, bias) : null;
      // Only a bias that is one row of N broadcast over all rows is fused; anything else runs on the cpu kernel.
      const biasOk =
        !bias || (biasValues !== null && biasValues.length === n && bias.shape[bias.shape.length - 1] === n);
      if (act === undefined || preluActivationWeights || !biasOk) return stock(args);
      const p = product(addon, backend, a!, b!, transposeA, transposeB, biasValues, act);
      return p ? backend.makeTensorInfo(p.shape, 'float32', p.out) : stock(args);
    },
  };
}
