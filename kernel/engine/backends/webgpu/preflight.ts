/**
 * Under `auto`, the webgpu rung first asks for an adapter in a child process (dawnProbe.ts) and loads Dawn
 * in-process only when the child got a hardware adapter: without a GPU, loading Dawn here prints "Warning:
 * Couldn't load Vulkan …" on the process's native stderr and costs 300–600 ms at every start. The child's answer
 * is kept for the process, and on disk (os.tmpdir()) for a day, keyed by what decides it: the webgpu package
 * version, Node, the Dawn flags and the driver-related environment variables.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { noAdapterError, softwareSkippedError } from './adapterChoice';
import { adapterInfoOf, softwareAdapterReason } from './adapterCheck';
import { DAWN_PACKAGE, dawnFlagsFromEnv, type AdapterLike } from './dawn';
import { probeDawn, type DawnProbeResult } from './dawnProbe';

/** Environment variables that change which adapter Dawn finds. */
const DRIVER_ENV = [
  'VK_DRIVER_FILES',
  'VK_ICD_FILENAMES',
  'VK_ADD_DRIVER_FILES',
  'VK_LOADER_DRIVERS_SELECT',
  'VK_LOADER_DRIVERS_DISABLE',
  'LD_LIBRARY_PATH',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'CUDA_VISIBLE_DEVICES',
  'NVIDIA_VISIBLE_DEVICES',
  'DXC_PATH',
  'TUNEBOOK_WEBGPU_FLAGS',
];
export const PREFLIGHT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface PreflightOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder of the disk cache; default TUNEBOOK_WEBGPU_PROBE_CACHE, else os.tmpdir(); 'off' keeps it in memory only. */
  cacheDir?: string;
  now?: () => number;
  /** The `webgpu` entry file, or undefined when the package is not installed. */
  resolveDawn?: () => string | undefined;
  probe?: (dawnEntry: string, flags: readonly string[]) => Promise<DawnProbeResult>;
}

const inMemory = new Map<string, Promise<DawnProbeResult>>();

/** Throws the rung's usual WebGpuUnavailableError when the child saw no adapter or a software one; else returns. */
export async function passWebgpuPreflight(options: PreflightOptions = {}): Promise<void> {
  const seen = await preflightProbe(options);
  if (seen === undefined || seen.found === null) return; // no package, or the probe failed: the in-process path says why
  if (!seen.found) throw noAdapterError(seen);
  const software = softwareAdapterReason(adapterInfoOf({ info: seen.info } as AdapterLike));
  if (software) throw softwareSkippedError(software);
}

/** The child's answer for this process's setup: from memory, the disk cache, or a new probe. */
export function preflightProbe(options: PreflightOptions = {}): Promise<DawnProbeResult | undefined> {
  const env = options.env ?? process.env;
  const entry = (options.resolveDawn ?? resolveDawnEntry)();
  if (entry === undefined) return Promise.resolve(undefined);
  const flags = dawnFlagsFromEnv(env);
  const key = preflightKey(entry, flags, env);
  const cacheDir = options.cacheDir ?? env.TUNEBOOK_WEBGPU_PROBE_CACHE ?? tmpdir();
  const memoryKey = `${cacheDir}\u0000${key}`;
  let answer = inMemory.get(memoryKey);
  if (answer === undefined) {
    answer = fromDiskOrProbe(entry, flags, key, cacheDir, options);
    inMemory.set(memoryKey, answer);
  }
  return answer;
}

async function fromDiskOrProbe(
  entry: string,
  flags: readonly string[],
  key: string,
  cacheDir: string,
  options: PreflightOptions,
): Promise<DawnProbeResult> {
  const now = (options.now ?? Date.now)();
  const file = cacheDir === 'off' ? undefined : join(cacheDir, `tunebook-webgpu-probe-${key}.json`);
  const cached = file === undefined ? undefined : readCached(file, now);
  if (cached !== undefined) return cached;
  const result = await (options.probe ?? probeDawn)(entry, flags);
  if (file !== undefined && result.found !== null) writeCached(file, { at: now, result });
  return result;
}

function readCached(file: string, now: number): DawnProbeResult | undefined {
  try {
    const { at, result } = JSON.parse(readFileSync(file, 'utf8')) as { at: number; result: DawnProbeResult };
    const fresh = typeof at === 'number' && now - at >= 0 && now - at < PREFLIGHT_MAX_AGE_MS;
    return fresh && typeof result?.found === 'boolean' && Array.isArray(result.messages) ? result : undefined;
  } catch {
    return undefined; // missing or unreadable: probe again
  }
}

function writeCached(file: string, entry: { at: number; result: DawnProbeResult }): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, file);
  } catch {
    // A cache that cannot be written only costs the next process a probe.
  }
}

/** Hash of what decides the answer: webgpu's version, Node, platform, Dawn flags, driver environment. */
export function preflightKey(entry: string, flags: readonly string[], env: NodeJS.ProcessEnv): string {
  const parts = [
    dawnVersion(entry),
    process.version,
    process.platform,
    process.arch,
    flags,
    DRIVER_ENV.map((name) => env[name] ?? null),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** The version in the `webgpu` package.json above its entry file (the entry path if none is found). */
function dawnVersion(entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === DAWN_PACKAGE) return `${pkg.name}@${pkg.version}`;
    } catch {
      // not readable: keep looking up
    }
  }
  return entry;
}

function resolveDawnEntry(): string | undefined {
  try {
    return require.resolve(DAWN_PACKAGE);
  } catch {
    return undefined;
  }
}
