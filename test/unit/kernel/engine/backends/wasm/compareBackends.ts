/** Test helpers: run the same computation on the wasm backend (our kernels) and the stock cpu backend. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../../kernel/engine/backends/ladder';

/** Deterministic uniform [-1, 1) values (mulberry32), so both backends see identical inputs. */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    randomValues(n, seed).map((v) => v * scale),
    shape,
    'float32',
  );
}

/** Runs `compute` on wasm and on cpu; returns the outputs' values and shapes, checking neither leaks tensors. */
export async function onBothBackends(
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ wasm: Output[]; cpu: Output[] }> {
  const result: Record<'wasm' | 'cpu', Output[]> = { wasm: [], cpu: [] };
  for (const name of ['wasm', 'cpu'] as const) {
    await initBackend(name);
    const before = tf.memory().numTensors;
    const outs = tf.tidy(() => [compute()].flat());
    result[name] = outs.map((t) => ({
      shape: t.shape.slice(),
      dtype: t.dtype,
      values: Array.from(t.dataSync() as ArrayLike<number>),
    }));
    tf.dispose(outs);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
  }
  return result;
}

export interface Output {
  shape: number[];
  dtype: string;
  values: number[];
}

/** |wasm − cpu| ≤ atol + rtol·|cpu| element-wise, same shapes and dtypes. */
export function assertAllClose(got: Output[], want: Output[], atol: number, rtol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: output count`);
  got.forEach((g, k) => {
    const w = want[k];
    assert.deepEqual(g.shape, w.shape, `${what}: shape of output ${k}`);
    assert.equal(g.dtype, w.dtype, `${what}: dtype of output ${k}`);
    for (let i = 0; i < w.values.length; i++) {
      const ok = Number.isNaN(w.values[i])
        ? Number.isNaN(g.values[i])
        : Math.abs(g.values[i] - w.values[i]) <= atol + rtol * Math.abs(w.values[i]);
      if (!ok) assert.fail(`${what}: output ${k}[${i}] wasm ${g.values[i]} vs cpu ${w.values[i]}`);
    }
  });
}

export async function assertSameOnBothBackends(
  what: string,
  compute: () => tf.Tensor | tf.Tensor[],
  atol: number,
  rtol: number,
): Promise<void> {
  const { wasm, cpu } = await onBothBackends(compute);
  assertAllClose(wasm, cpu, atol, rtol, what);
}
