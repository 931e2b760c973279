/**
 * Asks Dawn for a high-performance adapter and decides whether the webgpu rung may use it. No adapter, or a
 * software one under `auto`, is a WebGpuUnavailableError whose message quotes Dawn ("no WebGPU adapter: …").
 */
import { adapterInfoOf, softwareAdapterReason } from './adapterCheck';
import type { AdapterInfoLike, AdapterLike, GpuLike } from './dawn';
import type { DawnProbeResult } from './dawnProbe';
import { WebGpuUnavailableError } from './webgpuError';

export interface AdapterChoice {
  readonly adapter: AdapterLike;
  readonly info: AdapterInfoLike;
  /** Set when a software adapter is used because webgpu was forced. */
  readonly note: string | null;
}

export interface AdapterChoiceOptions {
  /** True when webgpu was forced (TUNEBOOK_BACKEND=webgpu): a software adapter is then used, with a note. */
  readonly allowSoftware: boolean;
  /** Asks Dawn again, out of process, to capture what it printed; called only when no adapter came back. */
  readonly probe: () => Promise<DawnProbeResult>;
}

export const ADAPTER_OPTIONS = { powerPreference: 'high-performance' } as const;

export async function chooseAdapter(gpu: GpuLike, options: AdapterChoiceOptions): Promise<AdapterChoice> {
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter(ADAPTER_OPTIONS);
  } catch (err) {
    throw new WebGpuUnavailableError(
      `no WebGPU adapter: Dawn's requestAdapter failed (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (adapter == null) throw noAdapterError(await options.probe());
  const info = adapterInfoOf(adapter);
  const software = softwareAdapterReason(info);
  if (software && !options.allowSoftware) throw softwareSkippedError(software);
  return { adapter, info, note: software ? `${software}; used because webgpu was forced` : null };
}

/** "no WebGPU adapter: … (Dawn: <what the probe's Dawn printed>)". */
export function noAdapterError(probe: DawnProbeResult): WebGpuUnavailableError {
  const said =
    probe.messages.length > 0
      ? `Dawn: ${probe.messages.join(' | ')}`
      : 'Dawn printed no reason; on Linux it needs libvulkan.so.1 (Debian libvulkan1) and a Vulkan driver whose ICD json is installed';
  return new WebGpuUnavailableError(
    `no WebGPU adapter: requestAdapter({ powerPreference: 'high-performance' }) returned null (${said})`,
  );
}

export function softwareSkippedError(software: string): WebGpuUnavailableError {
  return new WebGpuUnavailableError(
    `${software}; auto skips it (the CPU rungs are faster; TUNEBOOK_BACKEND=webgpu forces it)`,
  );
}
