// The webgpu rung with the real `webgpu` package: on a machine without a GPU (or without a Vulkan driver) auto
// falls through with Dawn's reason and forcing webgpu fails with it. GPU-only checks skip, saying why, when the
// machine has no hardware adapter; a skip is reported as a skip.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendReport } from '../../../../../../kernel/engine/backends/ladder';
import { BackendError } from '../../../../../../kernel/engine/backends/backendError';
import { load } from '../../../../../../kernel/engine/models/load';

const GOLDEN = join(__dirname, '..', '..', '..', '..', '..', 'fixtures', 'golden');
let auto: BackendReport;
let noGpuReason: string | null = null;

before(async () => {
  process.env.TUNEBOOK_THREADS = '1';
  auto = await initBackend('auto');
  if (auto.name !== 'webgpu')
    noGpuReason = /webgpu: ([^;]*)/.exec(auto.fallbackReason ?? '')?.[1] ?? 'webgpu was not tried';
});

test('auto without a hardware adapter starts a CPU rung and the fallback reason names WebGPU and Dawn', (t) => {
  if (auto.name === 'webgpu') return t.skip(`this machine has a hardware WebGPU adapter (${auto.device})`);
  assert.ok(['tensorflow', 'native', 'wasm', 'cpu'].includes(auto.name), auto.name);
  assert.match(
    auto.fallbackReason ?? '',
    /webgpu: (no WebGPU adapter: .*Dawn|the WebGPU adapter .* is a (software|fallback))/,
  );
  assert.notEqual(tf.getBackend(), 'webgpu');
  const order = ['tensorflow-gpu', 'webgpu: ', '@tensorflow/tfjs-node is'].map((s) =>
    (auto.fallbackReason ?? '').indexOf(s),
  );
  if (order.every((i) => i >= 0))
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'rungs are tried in ladder order',
    );
});

test('forcing webgpu without an adapter is a BackendError carrying the same reason', async (t) => {
  if (noGpuReason === null) return t.skip(`this machine has a hardware WebGPU adapter (${auto.device})`);
  if (/software|fallback/.test(noGpuReason))
    return t.skip(`only a software adapter here, which forcing accepts (${noGpuReason})`);
  await assert.rejects(
    initBackend('webgpu'),
    (e: unknown) =>
      e instanceof BackendError &&
      e.message.includes('The webgpu backend was requested but cannot start: webgpu: no WebGPU adapter: '),
  );
  assert.equal((await initBackend('cpu')).name, 'cpu', 'another backend still starts afterwards');
});

test('GPU only: golden GPT-2 logits on webgpu within 1e-3 of the PyTorch reference (async reads)', async (t) => {
  if (noGpuReason !== null) return t.skip(`no hardware WebGPU adapter: ${noGpuReason}`);
  const report = await initBackend('webgpu');
  assert.equal(report.name, 'webgpu');
  const exp = JSON.parse(readFileSync(join(GOLDEN, 'gpt2', 'expected.json'), 'utf8'));
  const model = await load(join(GOLDEN, 'gpt2'));
  try {
    const logits = model.logits(exp.inputs.ids);
    const got = (await logits.data()) as Float32Array;
    logits.dispose();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - exp.logits.data[i]));
    assert.ok(worst <= 1e-3, `max |Δ| ${worst}`);
  } finally {
    model.dispose();
  }
});
