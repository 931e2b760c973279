import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  backend,
  backendChoiceFromEnv,
  ensureBackend,
  initBackend,
} from '../../../../../kernel/engine/backends/ladder';
import { BackendError } from '../../../../../kernel/engine/backends/backendError';
import { wantedThreads } from '../../../../../kernel/engine/backends/wasm/wasmLoader';
import { nativeSkipReason } from './native/nativeHarness';

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

test('backend() before any start says how to start one', () => {
  assert.throws(
    () => backend(),
    (e: unknown) => e instanceof BackendError && /await initBackend\(\)/.test(e.message),
  );
});

test('TUNEBOOK_BACKEND picks the choice; unset means auto; anything else is a clear error', () => {
  assert.equal(backendChoiceFromEnv({}), 'auto');
  assert.equal(backendChoiceFromEnv({ TUNEBOOK_BACKEND: ' wasm ' }), 'wasm');
  assert.equal(backendChoiceFromEnv({ TUNEBOOK_BACKEND: 'tensorflow-gpu' }), 'tensorflow-gpu');
  assert.equal(backendChoiceFromEnv({ TUNEBOOK_BACKEND: 'webgpu' }), 'webgpu');
  assert.throws(
    () => backendChoiceFromEnv({ TUNEBOOK_BACKEND: 'metal' }),
    (e: unknown) => e instanceof BackendError && /"metal" is not a backend.*webgpu.*wasm/.test(e.message),
  );
});

test('TUNEBOOK_THREADS sets the wasm thread count, capped at 8; nonsense is refused', () => {
  assert.equal(wantedThreads({ TUNEBOOK_THREADS: '1' }), 1);
  assert.equal(wantedThreads({ TUNEBOOK_THREADS: '64' }), 8);
  assert.ok(wantedThreads({}) >= 1);
  assert.throws(() => wantedThreads({ TUNEBOOK_THREADS: 'two' }), /positive integer/);
});

test('auto climbs past the missing tensorflow packages to native (wasm when the addon is not built) and says why', async () => {
  const listenersBefore =
    process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
  const report = await initBackend('auto');
  const gpu = installed('@tensorflow/tfjs-node-gpu');
  const native = installed('@tensorflow/tfjs-node');
  const addonSkipped = nativeSkipReason();
  if (gpu || native) {
    assert.equal(report.name, 'tensorflow');
  } else if (!addonSkipped) {
    assert.equal(report.name, 'native');
    assert.equal(tf.getBackend(), 'native');
    assert.match(report.device, /^CPU, native \(OpenBLAS \d+\.\d+\.\d+, (pthread|OpenMP)\), \d+ threads?$/);
    assert.match(report.fallbackReason ?? '', /@tensorflow\/tfjs-node is not installed/);
  } else {
    assert.match(report.fallbackReason ?? '', /native skipped: /);
    assert.equal(report.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(report.fallbackReason ?? '', /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(report.fallbackReason ?? '', /@tensorflow\/tfjs-node is not installed/);
    assert.ok(report.threads >= 1);
    assert.match(report.device, /WebAssembly/);
  }
  assert.equal(report.choice, 'auto');
  assert.deepEqual(backend(), report);
  assert.equal(await ensureBackend(), report, 'ensureBackend reuses the started backend');
  assert.equal(
    process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length,
    listenersBefore,
    'the wasm runtime leaves no process-wide error listeners behind',
  );
});

test(
  'forcing a backend that is not installed is a BackendError naming the package',
  { skip: installed('@tensorflow/tfjs-node') },
  async () => {
    await assert.rejects(
      initBackend('tensorflow'),
      (e: unknown) =>
        e instanceof BackendError &&
        /tensorflow backend was requested.*@tensorflow\/tfjs-node is not installed/.test(e.message),
    );
    assert.notEqual(tf.getBackend(), 'tensorflow');
  },
);

test('cpu and wasm can be forced and switched between; tensors keep working', async () => {
  const cpu = await initBackend('cpu');
  assert.deepEqual([cpu.name, cpu.threads, cpu.simd, cpu.fallbackReason], ['cpu', 1, false, null]);
  const x = tf.tensor([1, 2, 3]);
  const wasm = await initBackend('wasm');
  assert.equal(wasm.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(Array.from(tf.mul(x, 2).dataSync()), [2, 4, 6]);
  x.dispose();
  await assert.rejects(initBackend('quantum' as never), BackendError);
});

test('the wasm backend runs the threaded build with as many threads as asked when the runtime allows', async () => {
  const report = await initBackend('wasm');
  if (typeof SharedArrayBuffer === 'function' && report.simd && wantedThreads() > 1) {
    assert.equal(report.threads, wantedThreads(), report.fallbackReason ?? '');
  } else {
    assert.equal(report.threads, 1);
    assert.ok(report.fallbackReason);
  }
});
