/**
 * Gives Node what tfjs-backend-webgpu expects from a browser: `globalThis.navigator.gpu` (Dawn's GPU object)
 * and the WebGPU interface globals (GPUBufferUsage, GPUMapMode, GPUShaderStage, …). It must run BEFORE the
 * backend package is required: that package registers its 'webgpu' backend only if navigator.gpu exists then.
 */
import type { DawnModule, GpuLike } from './dawn';
import { patchRequestDevice } from './requiredFeatures';

export interface InstalledGpu {
  readonly gpu: GpuLike;
  /** Names of the globals this call added (existing globals are left alone). */
  readonly addedGlobals: readonly string[];
}

/** Installs navigator.gpu from `dawn.create(flags)` on `target` (globalThis by default); idempotent per target. */
export function installNavigatorGpu(
  dawn: DawnModule,
  flags: readonly string[] = [],
  target: Record<string, unknown> = globalThis as never,
): InstalledGpu {
  const addedGlobals: string[] = [];
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in target)) {
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
      addedGlobals.push(name);
    }
  }
  const adapterClass = dawn.globals.GPUAdapter as { prototype?: { requestDevice?: unknown } } | undefined;
  if (adapterClass?.prototype && typeof adapterClass.prototype.requestDevice === 'function') {
    patchRequestDevice(adapterClass.prototype as never);
  }
  // Node ≥ 21 has a global navigator object (a getter on globalThis); Node 20 has none.
  let navigator = target.navigator as Record<string, unknown> | undefined;
  if (navigator == null) {
    navigator = {};
    Object.defineProperty(target, 'navigator', {
      value: navigator,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  const existing = navigator.gpu as GpuLike | undefined;
  if (existing != null) return { gpu: existing, addedGlobals };
  const gpu = dawn.create([...flags]);
  Object.defineProperty(navigator, 'gpu', { value: gpu, writable: true, configurable: true, enumerable: true });
  return { gpu, addedGlobals };
}
