// auto's WebGPU preflight: the child's answer decides whether Dawn loads here; kept in memory and a day on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  passWebgpuPreflight,
  preflightKey,
  PREFLIGHT_MAX_AGE_MS,
  type PreflightOptions,
} from '../../../../../../kernel/engine/backends/webgpu/preflight';
import type { DawnProbeResult } from '../../../../../../kernel/engine/backends/webgpu/dawnProbe';
import { WebGpuUnavailableError } from '../../../../../../kernel/engine/backends/webgpu/webgpuError';

const ENTRY = '/nowhere/webgpu/index.js';
const NO_VULKAN: DawnProbeResult = {
  found: false,
  messages: ["Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file"],
};

function setup(answer: DawnProbeResult, env: NodeJS.ProcessEnv = {}) {
  const calls: (readonly string[])[] = [];
  const cacheDir = mkdtempSync(join(tmpdir(), 'tunebook-preflight-'));
  const options: PreflightOptions = {
    env,
    cacheDir,
    now: () => 1_000_000_000,
    resolveDawn: () => ENTRY,
    probe: async (_entry, flags) => (calls.push(flags), answer),
  };
  return { calls, cacheDir, options };
}

test("no adapter in the child: the rung's reason quotes Dawn; one probe per process, and its answer is on disk", async () => {
  const { calls, cacheDir, options } = setup(NO_VULKAN, { TUNEBOOK_WEBGPU_FLAGS: 'backend=vulkan' });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      passWebgpuPreflight(options),
      (e: unknown) =>
        e instanceof WebGpuUnavailableError &&
        e.message ===
          "no WebGPU adapter: requestAdapter({ powerPreference: 'high-performance' }) returned null (Dawn: Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file)",
    );
  }
  assert.deepEqual(calls, [['backend=vulkan']]);
  assert.deepEqual(readdirSync(cacheDir), [
    `tunebook-webgpu-probe-${preflightKey(ENTRY, ['backend=vulkan'], options.env!)}.json`,
  ]);
});

test('a cached answer younger than a day is used without a probe; an older one is probed again', async () => {
  for (const [age, probes] of [
    [PREFLIGHT_MAX_AGE_MS - 60_000, 0],
    [PREFLIGHT_MAX_AGE_MS + 60_000, 1],
  ] as const) {
    const { calls, cacheDir, options } = setup({
      found: true,
      info: { vendor: 'nvidia', description: 'NVIDIA H200' },
      messages: [],
    });
    const file = join(cacheDir, `tunebook-webgpu-probe-${preflightKey(ENTRY, [], {})}.json`);
    writeFileSync(file, JSON.stringify({ at: options.now!() - age, result: NO_VULKAN }));
    if (probes === 0) await assert.rejects(passWebgpuPreflight(options), /no WebGPU adapter/);
    else await passWebgpuPreflight(options); // the fresh probe found the GPU
    assert.equal(calls.length, probes, `age ${age} ms`);
  }
});

test('the key changes with the driver environment and the Dawn flags', () => {
  const base = preflightKey(ENTRY, [], {});
  assert.notEqual(preflightKey(ENTRY, [], { VK_DRIVER_FILES: '/usr/share/vulkan/icd.d/nvidia_icd.json' }), base);
  assert.notEqual(preflightKey(ENTRY, ['backend=vulkan'], {}), base);
  assert.notEqual(preflightKey('/elsewhere/webgpu/index.js', [], {}), base);
  assert.equal(preflightKey(ENTRY, [], { UNRELATED: '1' }), base);
});

test('a software adapter in the child is skipped; a hardware one lets Dawn load; a failed probe is not cached', async () => {
  const software = setup({
    found: true,
    info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
    messages: [],
  });
  await assert.rejects(
    passWebgpuPreflight(software.options),
    (e: unknown) =>
      e instanceof WebGpuUnavailableError &&
      /is a software \(CPU\) rasteriser \(llvmpipe\); auto skips it/.test(e.message),
  );
  const fallback = setup({ found: true, info: { vendor: 'google', isFallbackAdapter: true }, messages: [] });
  await assert.rejects(passWebgpuPreflight(fallback.options), /fallback \(software\) adapter/);
  const hardware = setup({
    found: true,
    info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' },
    messages: [],
  });
  await passWebgpuPreflight(hardware.options);
  const failed = setup({ found: null, messages: ['the adapter probe was killed (SIGKILL, no answer in 15000 ms)'] });
  await passWebgpuPreflight(failed.options); // the in-process path decides and explains
  assert.deepEqual(readdirSync(failed.cacheDir), []);
});

test('without the webgpu package there is no probe (the rung itself says the package is missing)', async () => {
  const { calls, options } = setup(NO_VULKAN);
  await passWebgpuPreflight({ ...options, resolveDawn: () => undefined });
  assert.equal(calls.length, 0);
});

test("auto on this machine: a CPU rung starts, the reason quotes Dawn, and Dawn's warning never reaches stderr", (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tunebook-preflight-'));
  const ladder = join(__dirname, '../../../../../../kernel/engine/backends/ladder.ts');
  const code = `require(${JSON.stringify(ladder)}).initBackend('auto').then((r) => process.stdout.write(JSON.stringify(r)));`;
  const env = { ...process.env, TUNEBOOK_WEBGPU_PROBE_CACHE: cacheDir, TUNEBOOK_BACKEND: '' };
  for (const run of ['probing', 'cached']) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(child.status, 0, child.stderr);
    const report = JSON.parse(child.stdout) as { name: string; device: string; fallbackReason: string | null };
    if (report.name === 'webgpu') return t.skip(`this machine has a hardware WebGPU adapter (${report.device})`);
    assert.ok(['tensorflow', 'native', 'wasm', 'cpu'].includes(report.name), report.name);
    assert.match(report.fallbackReason ?? '', /webgpu: no WebGPU adapter: .*\(Dawn: .+\)/, run);
    assert.doesNotMatch(child.stderr, /Couldn't load Vulkan|Warning:|BackendVk/, `${run}: ${child.stderr}`);
    assert.equal(readdirSync(cacheDir).length, 1, `${run}: one cached answer`);
  }
});
