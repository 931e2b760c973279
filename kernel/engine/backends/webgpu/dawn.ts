/**
 * The parts of the `webgpu` npm package (Dawn's Node bindings, dawn.node) the WebGPU rung uses, typed here so
 * the engine does not pull the global @webgpu/types declarations into every file. The package is optional at
 * run time: it is loaded with a dynamic import (it is an ES module) only when the webgpu rung is tried, and
 * esbuild keeps it external (its dawn.node binaries are resolved from node_modules).
 */
import { WebGpuUnavailableError } from './webgpuError';

export interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

export interface DeviceDescriptorLike {
  requiredFeatures?: Iterable<unknown>;
  requiredLimits?: Record<string, number | undefined>;
  [key: string]: unknown;
}

export interface DeviceLike {
  readonly lost?: Promise<{ reason?: string; message?: string }>;
  addEventListener?(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
  destroy?(): void;
}

export interface AdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  readonly info?: AdapterInfoLike;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: DeviceDescriptorLike): Promise<DeviceLike>;
}

export interface RequestAdapterOptionsLike {
  powerPreference?: 'high-performance' | 'low-power';
  forceFallbackAdapter?: boolean;
}

export interface GpuLike {
  requestAdapter(options?: RequestAdapterOptionsLike): Promise<AdapterLike | null>;
}

export interface DawnModule {
  /** `create(flags)`: Dawn's `GPU` object; flags are "key=value" strings (e.g. "backend=vulkan", "verbose=1"). */
  create(flags: string[]): GpuLike;
  /** The WebGPU interface objects (GPUBufferUsage, GPUAdapter, …) that a browser has as globals. */
  readonly globals: Record<string, unknown>;
}

export const DAWN_PACKAGE = 'webgpu';

/** Imports the `webgpu` package; a missing or unloadable package is a WebGpuUnavailableError saying which. */
export async function loadDawn(specifier: string = DAWN_PACKAGE): Promise<DawnModule> {
  let mod: Partial<DawnModule>;
  try {
    mod = (await import(specifier)) as Partial<DawnModule>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${specifier}'`)) {
      throw new WebGpuUnavailableError(`the ${specifier} package (Dawn's Node bindings) is not installed`);
    }
    throw new WebGpuUnavailableError(
      `the ${specifier} package is installed but dawn.node failed to load (${message.split('\n')[0]})`,
    );
  }
  if (typeof mod.create !== 'function' || mod.globals == null) {
    throw new WebGpuUnavailableError(
      `the ${specifier} package does not export create() and globals (not Dawn's Node bindings?)`,
    );
  }
  return mod as DawnModule;
}

/** Dawn flags from TUNEBOOK_WEBGPU_FLAGS ("backend=vulkan,verbose=1"); empty when unset. */
export function dawnFlagsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.TUNEBOOK_WEBGPU_FLAGS ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}
