/**
 * What an adapter is, in words, and whether it is a software (CPU) rasteriser that `auto` must not pick:
 * Mesa's llvmpipe/lavapipe, SwiftShader, Microsoft's WARP ("Basic Render Driver"), or any adapter that says
 * it is a fallback adapter. Such adapters are slower than the engine's CPU rungs.
 */
import type { AdapterInfoLike, AdapterLike } from './dawn';

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|basic render driver|\bwarp\b|software rasteri[sz]er/i;

/** The adapter's info (`adapter.info`, WebGPU 2024+), with empty fields when it has none. */
export function adapterInfoOf(adapter: AdapterLike): AdapterInfoLike {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
}

/** "<vendor> <architecture> <description>" (empty parts left out), e.g. "nvidia hopper NVIDIA H200". */
export function describeAdapter(info: AdapterInfoLike): string {
  const parts = [info.vendor, info.architecture, info.description || info.device]
    .map((p) => (p ?? '').trim())
    .filter((p) => p !== '');
  return parts.length > 0 ? parts.join(' ') : 'unnamed adapter';
}

/** Why this adapter is a software/CPU one, or null for a hardware GPU. */
export function softwareAdapterReason(info: AdapterInfoLike): string | null {
  if (info.isFallbackAdapter) return `the WebGPU adapter "${describeAdapter(info)}" is a fallback (software) adapter`;
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  const match = SOFTWARE.exec(text);
  return match ? `the WebGPU adapter "${describeAdapter(info)}" is a software (CPU) rasteriser (${match[0]})` : null;
}
