// Test helpers: run the same computation on the native backend and on the stock cpu backend; skip (with the
// build's reason) when the addon is not built.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../../kernel/engine/backends/ladder';
import { nativeDir } from '../../../../../../kernel/engine/backends/native/addon';
import type { Output } from '../wasm/compareBackends';

export { randomTensor, randomValues } from '../wasm/compareBackends';

/** Why the native tests cannot run here (printed as the skip reason), or false when the addon is built. */
export function nativeSkipReason(): string | false {
  const dir = nativeDir();
  if (fs.existsSync(path.join(dir, 'tunebook_native.node'))) return false;
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'build.json'), 'utf8')) as { reason?: string };
    return `native addon not built: ${record.reason ?? 'no reason recorded'}`;
  } catch {
    return `native addon not built (no ${path.join(dir, 'build.json')}; run npm run build)`;
  }
}

async function run(name: 'native' | 'cpu', compute: () => tf.Tensor | tf.Tensor[]): Promise<Output[]> {
  await initBackend(name);
  assert.equal(tf.getBackend(), name);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => [compute()].flat());
  const result = outs.map((t) => ({
    shape: t.shape.slice(),
    dtype: t.dtype,
    values: Array.from(t.dataSync() as ArrayLike<number>),
  }));
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
  return result;
}

/**
 * Runs `compute` on native and on cpu and compares element-wise: |native − cpu| ≤ atol + rtol·|cpu|, with
 * rtol = 1e-5 and atol = 1e-5 × (the largest |cpu| value of that output, at least 1) — the float32 rounding of a
 * sum whose terms are that large; same shapes and dtypes.
 */
export async function assertNativeMatchesCpu(
  what: string,
  compute: () => tf.Tensor | tf.Tensor[],
  rtol = 1e-5,
): Promise<void> {
  const native = await run('native', compute);
  const cpu = await run('cpu', compute);
  assert.equal(native.length, cpu.length, `${what}: output count`);
  native.forEach((got, k) => {
    const want = cpu[k];
    assert.deepEqual(got.shape, want.shape, `${what}: shape of output ${k}`);
    assert.equal(got.dtype, want.dtype, `${what}: dtype of output ${k}`);
    let scale = 1;
    for (const v of want.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const atol = 1e-5 * scale;
    for (let i = 0; i < want.values.length; i++) {
      const w = want.values[i];
      const g = got.values[i];
      const ok = Number.isNaN(w) ? Number.isNaN(g) : w === g || Math.abs(g - w) <= atol + rtol * Math.abs(w);
      if (!ok) assert.fail(`${what}: output ${k}[${i}] native ${g} vs cpu ${w}`);
    }
  });
}
