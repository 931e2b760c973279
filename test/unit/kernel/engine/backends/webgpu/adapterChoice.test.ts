import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adapterInfoOf,
  describeAdapter,
  softwareAdapterReason,
} from '../../../../../../kernel/engine/backends/webgpu/adapterCheck';
import { chooseAdapter } from '../../../../../../kernel/engine/backends/webgpu/adapterChoice';
import { dawnMessages } from '../../../../../../kernel/engine/backends/webgpu/dawnProbe';
import type { AdapterInfoLike, AdapterLike, GpuLike } from '../../../../../../kernel/engine/backends/webgpu/dawn';
import { WebGpuUnavailableError } from '../../../../../../kernel/engine/backends/webgpu/webgpuError';

function adapter(info: AdapterInfoLike): AdapterLike {
  return { features: new Set<string>(), limits: {}, info, requestDevice: async () => ({}) };
}

function gpuReturning(result: AdapterLike | null | Error, calls: unknown[] = []): GpuLike {
  return {
    requestAdapter: async (options) => {
      calls.push(options);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const H200: AdapterInfoLike = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' };
const noProbe = async () => assert.fail('the probe runs only when no adapter came back');

test('describeAdapter: vendor, architecture, description; blanks left out', () => {
  assert.equal(describeAdapter(H200), 'nvidia hopper NVIDIA H200');
  assert.equal(describeAdapter({ vendor: 'amd', architecture: '', description: '', device: 'gfx1100' }), 'amd gfx1100');
  assert.equal(describeAdapter({}), 'unnamed adapter');
  assert.deepEqual(adapterInfoOf({ ...adapter({ vendor: 'x' }), isFallbackAdapter: true }), {
    vendor: 'x',
    architecture: '',
    device: '',
    description: '',
    isFallbackAdapter: true,
  });
});

test('software adapters are recognised (llvmpipe, lavapipe, SwiftShader, WARP, fallback flag); GPUs are not', () => {
  assert.match(
    softwareAdapterReason({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })!,
    /software \(CPU\) rasteriser \(llvmpipe\)/,
  );
  assert.match(
    softwareAdapterReason({
      vendor: 'google',
      architecture: 'swiftshader',
      description: 'SwiftShader Device (Subzero)',
    })!,
    /swiftshader/i,
  );
  assert.match(
    softwareAdapterReason({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })!,
    /Basic Render Driver/,
  );
  assert.match(softwareAdapterReason({ vendor: 'mesa', device: 'lavapipe' })!, /lavapipe/);
  assert.match(softwareAdapterReason({ vendor: 'nvidia', isFallbackAdapter: true })!, /fallback \(software\) adapter/);
  assert.equal(softwareAdapterReason(H200), null);
  assert.equal(
    softwareAdapterReason({ vendor: 'intel', architecture: 'xe-lpg', description: 'Intel(R) Arc(TM) Graphics' }),
    null,
  );
  assert.equal(softwareAdapterReason({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' }), null);
});

test('a hardware adapter is chosen with a high-performance request and no note', async () => {
  const calls: unknown[] = [];
  const choice = await chooseAdapter(gpuReturning(adapter(H200), calls), { allowSoftware: false, probe: noProbe });
  assert.deepEqual(calls, [{ powerPreference: 'high-performance' }]);
  assert.equal(choice.note, null);
  assert.equal(describeAdapter(choice.info), 'nvidia hopper NVIDIA H200');
});

test('no adapter: the reason says "no WebGPU adapter" and quotes what Dawn printed', async () => {
  const choice = chooseAdapter(gpuReturning(null), {
    allowSoftware: false,
    probe: async () => ({
      found: false,
      messages: ["Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file"],
    }),
  });
  await assert.rejects(
    choice,
    (e: unknown) =>
      e instanceof WebGpuUnavailableError &&
      /^no WebGPU adapter: requestAdapter\(\{ powerPreference: 'high-performance' \}\) returned null \(Dawn: Warning: Couldn't load Vulkan: libvulkan\.so\.1/.test(
        e.message,
      ),
  );
  await assert.rejects(
    chooseAdapter(gpuReturning(null), { allowSoftware: true, probe: async () => ({ found: false, messages: [] }) }),
    (e: unknown) =>
      e instanceof WebGpuUnavailableError && /Dawn printed no reason; .*libvulkan\.so\.1.*ICD json/.test(e.message),
  );
  await assert.rejects(
    chooseAdapter(gpuReturning(new Error('instance lost')), { allowSoftware: false, probe: noProbe }),
    (e: unknown) =>
      e instanceof WebGpuUnavailableError &&
      /no WebGPU adapter: Dawn's requestAdapter failed \(instance lost\)/.test(e.message),
  );
});

test('a software adapter is refused under auto and used, with a note, when webgpu is forced', async () => {
  const lavapipe = adapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 17.0.6, 256 bits)' });
  await assert.rejects(
    chooseAdapter(gpuReturning(lavapipe), { allowSoftware: false, probe: noProbe }),
    (e: unknown) =>
      e instanceof WebGpuUnavailableError &&
      /software \(CPU\) rasteriser.*auto skips it.*TUNEBOOK_BACKEND=webgpu forces it/.test(e.message),
  );
  const forced = await chooseAdapter(gpuReturning(lavapipe), { allowSoftware: true, probe: noProbe });
  assert.equal(forced.adapter, lavapipe);
  assert.match(forced.note!, /llvmpipe.*used because webgpu was forced/);
});

test("dawnMessages keeps Dawn's lines and drops its C++ source locations and Node's own notices", () => {
  const stderr =
    "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n" +
    '    at operator() (/home/runner/work/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n\n' +
    '(node:123) ExperimentalWarning: something\n';
  assert.deepEqual(dawnMessages(stderr), [
    "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
  ]);
});
