import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installNavigatorGpu } from '../../../../../../kernel/engine/backends/webgpu/navigatorGpu';
import type { DawnModule } from '../../../../../../kernel/engine/backends/webgpu/dawn';

function fakeDawn() {
  const created: string[][] = [];
  class GPUAdapter {
    async requestDevice(descriptor?: { requiredFeatures?: unknown[] }) {
      return descriptor?.requiredFeatures;
    }
  }
  const dawn: DawnModule = {
    create: (flags) => {
      created.push(flags);
      return { requestAdapter: async () => null, id: created.length } as never;
    },
    globals: { GPUAdapter, GPUBufferUsage: { STORAGE: 128 }, GPUMapMode: { READ: 1 }, Existing: 'dawn' },
  };
  return { dawn, created, GPUAdapter };
}

test('installs navigator.gpu from create(flags) and the WebGPU globals, leaving existing globals alone', async () => {
  const { dawn, created, GPUAdapter } = fakeDawn();
  const target: Record<string, unknown> = { Existing: 'mine' };
  const installed = installNavigatorGpu(dawn, ['backend=vulkan'], target);
  assert.deepEqual(created, [['backend=vulkan']]);
  assert.equal((target.navigator as { gpu: unknown }).gpu, installed.gpu);
  assert.deepEqual((target.GPUBufferUsage as { STORAGE: number }).STORAGE, 128);
  assert.equal(target.Existing, 'mine');
  assert.deepEqual([...installed.addedGlobals].sort(), ['GPUAdapter', 'GPUBufferUsage', 'GPUMapMode']);
  assert.deepEqual(
    await new GPUAdapter().requestDevice({ requiredFeatures: [['bgra8unorm-storage']] }),
    ['bgra8unorm-storage'],
    'GPUAdapter.requestDevice is patched',
  );
});

test('a second install reuses the GPU object; an existing navigator object (Node ≥ 21) gets gpu added', () => {
  const { dawn, created } = fakeDawn();
  const navigator = { userAgent: 'Node.js/22' };
  const target: Record<string, unknown> = { navigator };
  const first = installNavigatorGpu(dawn, [], target);
  const second = installNavigatorGpu(dawn, [], target);
  assert.equal(second.gpu, first.gpu);
  assert.equal(created.length, 1, 'Dawn is created once');
  assert.equal(target.navigator, navigator);
  assert.equal((navigator as { gpu?: unknown }).gpu, first.gpu);
  assert.equal(navigator.userAgent, 'Node.js/22');
});
