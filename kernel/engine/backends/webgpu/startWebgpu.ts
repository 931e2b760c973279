/**
 * The webgpu rung: Dawn's Node bindings (`webgpu`) + @tensorflow/tfjs-backend-webgpu.
 *   1. import `webgpu`, install navigator.gpu and the WebGPU globals (before the tfjs backend is required);
 *   2. ask for a high-performance adapter; refuse software adapters unless webgpu was forced;
 *   3. require the tfjs backend, apply the kernel routes, register a factory that makes the device from the
 *      chosen adapter (flat requiredFeatures, the adapter's limits) and activate it.
 * Every "cannot start" is a WebGpuUnavailableError whose message says why (quoting Dawn where it spoke).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeAdapter } from './adapterCheck';
import { chooseAdapter, type AdapterChoice } from './adapterChoice';
import {
  dawnFlagsFromEnv,
  loadDawn,
  DAWN_PACKAGE,
  type AdapterLike,
  type DawnModule,
  type DeviceDescriptorLike,
  type DeviceLike,
} from './dawn';
import { probeDawn, type DawnProbeResult } from './dawnProbe';
import { installWebgpuRouting } from './kernelRouting';
import { installNavigatorGpu } from './navigatorGpu';
import { flattenRequiredFeatures } from './requiredFeatures';
import { WebGpuUnavailableError } from './webgpuError';

export interface WebgpuStarted {
  readonly report: { name: 'webgpu'; device: string; threads: number; simd: boolean };
  readonly note: string | null;
}

export interface WebgpuStartOptions {
  /** webgpu was forced: accept a software adapter (with a note). */
  readonly forced: boolean;
  readonly flags?: readonly string[];
  /** For tests: a stand-in for the `webgpu` package. */
  readonly loadDawn?: () => Promise<DawnModule>;
  /** For tests: a stand-in for the out-of-process Dawn probe. */
  readonly probe?: (flags: readonly string[]) => Promise<DawnProbeResult>;
}

/** Device events since the backend started (the GPU check prints them). */
export interface WebgpuDiagnostics {
  adapter: string | null;
  deviceLost: string | null;
  uncapturedErrors: string[];
}

const diagnostics: WebgpuDiagnostics = { adapter: null, deviceLost: null, uncapturedErrors: [] };
let started: WebgpuStarted | undefined;

export function webgpuDiagnostics(): Readonly<WebgpuDiagnostics> {
  return diagnostics;
}

export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

export async function startWebgpuBackend(options: WebgpuStartOptions): Promise<WebgpuStarted> {
  if (started && tf.findBackend('webgpu') != null) {
    if (!(await tf.setBackend('webgpu')))
      throw new WebGpuUnavailableError('the webgpu backend started before but could not be activated again');
    return started;
  }
  const flags = options.flags ?? dawnFlagsFromEnv();
  const dawn = await (options.loadDawn ?? (() => loadDawn()))();
  const { gpu } = installNavigatorGpu(dawn, flags);
  const probe = options.probe ?? defaultProbe;
  const choice = await chooseAdapter(gpu, { allowSoftware: options.forced, probe: () => probe(flags) });
  const backendModule = requireTfjsWebgpu();
  installWebgpuRouting(backendModule.WebGPUBackend);
  const failure = registerFactory(backendModule.WebGPUBackend, choice);
  if (!(await tf.setBackend('webgpu'))) {
    tf.removeBackend('webgpu');
    throw new WebGpuUnavailableError(
      `the WebGPU device on "${describeAdapter(choice.info)}" could not be created (${failure.message ?? 'tfjs gave no reason'})`,
    );
  }
  diagnostics.adapter = describeAdapter(choice.info);
  started = {
    report: { name: 'webgpu', device: describeAdapter(choice.info), threads: 1, simd: false },
    note: choice.note,
  };
  return started;
}

interface WebGpuBackendClass {
  new (device: DeviceLike, adapterInfo?: unknown): tf.KernelBackend;
  prototype: { readSync(dataId: object): unknown };
}

function requireTfjsWebgpu(): { WebGPUBackend: WebGpuBackendClass } {
  try {
    // A plain require after navigator.gpu exists: the package registers its kernels and flags on load.
    return require('@tensorflow/tfjs-backend-webgpu') as { WebGPUBackend: WebGpuBackendClass };
  } catch (err) {
    throw new WebGpuUnavailableError(
      `${TFJS_WEBGPU_PACKAGE} failed to load (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    );
  }
}

/** The device descriptor tfjs-backend-webgpu builds, with a flat feature list. */
export function deviceDescriptorFor(adapter: AdapterLike): DeviceDescriptorLike {
  const features = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
  const limits = adapter.limits;
  return flattenRequiredFeatures({
    requiredFeatures: features,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
}

/** Replaces the package's factory (which asks for its own adapter) by one using the adapter chosen here. */
function registerFactory(WebGPUBackend: WebGpuBackendClass, choice: AdapterChoice): { message?: string } {
  const failure: { message?: string } = {};
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      try {
        const device = await choice.adapter.requestDevice(deviceDescriptorFor(choice.adapter));
        watchDevice(device);
        return new WebGPUBackend(device, choice.adapter.info);
      } catch (err) {
        failure.message = err instanceof Error ? err.message : String(err);
        throw err;
      }
    },
    // Below cpu (1) and wasm (2): tfjs never picks it on its own; the ladder activates it by name.
    0,
  );
  return failure;
}

function watchDevice(device: DeviceLike): void {
  void device.lost?.then((info) => {
    diagnostics.deviceLost = `${info.reason ?? 'unknown'}: ${info.message ?? ''}`.trim();
  });
  device.addEventListener?.('uncapturederror', (event) => {
    if (diagnostics.uncapturedErrors.length < 20)
      diagnostics.uncapturedErrors.push(event.error?.message ?? 'unknown GPU error');
  });
}

function defaultProbe(flags: readonly string[]): Promise<DawnProbeResult> {
  let entry: string;
  try {
    entry = require.resolve(DAWN_PACKAGE);
  } catch {
    return Promise.resolve({ found: null, messages: [] });
  }
  return probeDawn(entry, flags);
}
