// The rung's start-up with a fake `webgpu` module injected (this file's process owns globalThis.navigator.gpu).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { deviceDescriptorFor, startWebgpuBackend } from '../../../../../../kernel/engine/backends/webgpu/startWebgpu';
import {
  loadDawn,
  dawnFlagsFromEnv,
  type AdapterLike,
  type DawnModule,
} from '../../../../../../kernel/engine/backends/webgpu/dawn';
import { WebGpuUnavailableError } from '../../../../../../kernel/engine/backends/webgpu/webgpuError';

require('@tensorflow/tfjs-backend-cpu');

const LIMITS = {
  maxComputeWorkgroupStorageSize: 32768,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 2 ** 31,
  maxBufferSize: 2 ** 32,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxStorageBuffersPerShaderStage: 10,
};

function fakeDawn(adapter: AdapterLike | null, flagsSeen: string[][] = []): DawnModule {
  class GPUAdapter {}
  return {
    create: (flags) => {
      flagsSeen.push(flags);
      return { requestAdapter: async () => adapter };
    },
    globals: { GPUAdapter, GPUBufferUsage: { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, STORAGE: 128, UNIFORM: 64 } },
  };
}

after(async () => {
  await tf.setBackend('cpu');
});

test('TUNEBOOK_WEBGPU_FLAGS gives Dawn flags; a missing webgpu package is a clear reason', async () => {
  assert.deepEqual(dawnFlagsFromEnv({ TUNEBOOK_WEBGPU_FLAGS: ' backend=vulkan , verbose=1,' }), [
    'backend=vulkan',
    'verbose=1',
  ]);
  assert.deepEqual(dawnFlagsFromEnv({}), []);
  await assert.rejects(
    loadDawn('tunebook-no-such-webgpu-package'),
    (e: unknown) =>
      e instanceof WebGpuUnavailableError &&
      e.message === "the tunebook-no-such-webgpu-package package (Dawn's Node bindings) is not installed",
  );
});

test('deviceDescriptorFor asks for the adapter limits and flat optional features', () => {
  const adapter: AdapterLike = {
    features: new Set(['bgra8unorm-storage', 'shader-f16']),
    limits: LIMITS,
    requestDevice: async () => ({}),
  };
  const descriptor = deviceDescriptorFor(adapter);
  assert.deepEqual(descriptor.requiredFeatures, ['bgra8unorm-storage']);
  assert.equal(descriptor.requiredLimits!.maxStorageBufferBindingSize, 2 ** 31);
  assert.equal(descriptor.requiredLimits!.maxBufferSize, 2 ** 32);
});

test("no adapter: the rung fails with the probe's Dawn message and registers no webgpu backend", async () => {
  const flags: string[][] = [];
  await assert.rejects(
    startWebgpuBackend({
      forced: false,
      flags: ['backend=vulkan'],
      loadDawn: async () => fakeDawn(null, flags),
      probe: async () => ({ found: false, messages: ['Warning: no Vulkan ICD found'] }),
    }),
    (e: unknown) =>
      e instanceof WebGpuUnavailableError &&
      /^no WebGPU adapter: .*\(Dawn: Warning: no Vulkan ICD found\)$/.test(e.message),
  );
  assert.deepEqual(flags, [['backend=vulkan']]);
  assert.equal(tf.findBackendFactory('webgpu'), null);
  assert.ok(
    (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu,
    'navigator.gpu is installed before the backend package loads',
  );
});

test('a hardware adapter: the device is requested from it with flat features and the webgpu backend becomes active', async () => {
  const requests: unknown[] = [];
  const fakeDevice = {
    queue: {},
    features: new Set<string>(),
    limits: LIMITS,
    addEventListener: () => undefined,
    lost: new Promise<never>(() => undefined),
  };
  const adapter: AdapterLike = {
    features: new Set(['bgra8unorm-storage']),
    limits: LIMITS,
    info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' },
    requestDevice: async (descriptor) => {
      requests.push(descriptor?.requiredFeatures ? [...descriptor.requiredFeatures] : undefined);
      return fakeDevice;
    },
  };
  // navigator.gpu was installed by the previous test; give this one the hardware adapter.
  (globalThis as unknown as { navigator: { gpu: unknown } }).navigator.gpu = { requestAdapter: async () => adapter };
  const started = await startWebgpuBackend({
    forced: false,
    loadDawn: async () => fakeDawn(adapter),
    probe: async () => assert.fail('no probe with an adapter'),
  });
  assert.deepEqual(started.report, { name: 'webgpu', device: 'nvidia hopper NVIDIA H200', threads: 1, simd: false });
  assert.equal(started.note, null);
  assert.equal(tf.getBackend(), 'webgpu');
  assert.deepEqual(requests, [['bgra8unorm-storage']]);
  assert.equal(tf.env().getBool('WEBGPU_CPU_FORWARD'), false);
  assert.equal(await startWebgpuBackend({ forced: false }), started, 'a second start reuses the running backend');
});
