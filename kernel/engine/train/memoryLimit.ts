/**
 * How much memory a training run may use, and the check the training jobs run before their first step:
 *   TUNEBOOK_MEMORY_LIMIT   bytes, or with a unit: "512MB", "1.5GiB" (KB/MB/GB = 10³ⁿ, KiB/MiB/GiB = 2¹⁰ⁿ)
 *   wasm                    its heap ceiling, 4 GiB (weights, gradients and activations all live in that heap)
 *   native, cpu, tensorflow the RAM this process can still get: available memory (os.freemem, MemAvailable on
 *                           Linux) and the cgroup's memory.max − memory.current when one is set, whichever is
 *                           less, plus the tensor bytes already held (the estimate counts the weights again)
 * `assertTrainingFits` throws MemoryEstimateError with the estimate and what would fit instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { estimateMemory, type MemoryEstimate, type MemoryEstimateOptions, type TrainingMethod } from './memory';
import { MemoryEstimateError } from './memoryEstimateError';

export const WASM_HEAP_CEILING = 4 * 1024 ** 3;

export interface MemoryLimit {
  bytes: number;
  /** Where the number comes from, completing "… can hold N (…)". */
  source: string;
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new MemoryEstimateError(
      `TUNEBOOK_MEMORY_LIMIT=${JSON.stringify(text)} is not a size; use bytes or a number with B, KB, MB, GB, KiB, MiB or GiB (e.g. 512MB)`,
    );
  }
  return Math.floor(Number(m[1]) * unit);
}

export function memoryLimit(backendName: string = tf.getBackend(), env: NodeJS.ProcessEnv = process.env): MemoryLimit {
  const forced = env.TUNEBOOK_MEMORY_LIMIT?.trim();
  if (forced) return { bytes: parseByteSize(forced), source: 'TUNEBOOK_MEMORY_LIMIT' };
  if (backendName === 'wasm') return { bytes: WASM_HEAP_CEILING, source: 'the wasm heap ceiling' };
  const held = tf.memory().numBytes;
  const cgroup = cgroupAvailable();
  const free = os.freemem();
  if (cgroup !== undefined && cgroup < free)
    return { bytes: cgroup + held, source: 'the cgroup memory.max left plus tensors held' };
  return { bytes: free + held, source: 'available RAM plus tensors held' };
}

function cgroupAvailable(): number | undefined {
  try {
    const max = fs.readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    if (max === 'max') return undefined;
    const current = Number(fs.readFileSync('/sys/fs/cgroup/memory.current', 'utf8').trim());
    return Math.max(0, Number(max) - (Number.isFinite(current) ? current : 0));
  } catch {
    return undefined;
  }
}

/** Throws MemoryEstimateError when the estimated step does not fit `limit`; returns the estimate otherwise. */
export function assertTrainingFits(
  model: Model | Record<string, unknown>,
  options: MemoryEstimateOptions,
  limit: MemoryLimit,
): MemoryEstimate {
  const estimate = estimateMemory(model, options);
  if (estimate.bytes.total <= limit.bytes) return estimate;
  const b = estimate.bytes;
  const alternatives = whatWouldFit(model, estimate, limit.bytes, options.loraRank);
  throw new MemoryEstimateError(
    `this run needs about ${formatBytes(b.total)} (${estimate.method}, batch ${estimate.batchSize} × ${estimate.sequenceLength} tokens: weights ${formatBytes(b.weights)}, ` +
      `gradients ${formatBytes(b.gradients)}, AdamW state ${formatBytes(b.optimizerState)}, activations ${formatBytes(b.activations)}) ` +
      `but the backend can hold ${formatBytes(limit.bytes)} (${limit.source}). ` +
      (alternatives.length > 0
        ? `What would fit: ${alternatives.join('; ')}.`
        : 'Nothing smaller fits either: even batch 1 with QLoRA does not; free memory or use a smaller model.'),
  );
}

function whatWouldFit(
  model: Model | Record<string, unknown>,
  estimate: MemoryEstimate,
  limit: number,
  loraRank: number | undefined,
): string[] {
  const out: string[] = [];
  const at = (method: TrainingMethod, batchSize: number, sequenceLength: number) =>
    estimateMemory(model, { method, batchSize, sequenceLength, loraRank });
  const same = { b: estimate.batchSize, t: estimate.sequenceLength };
  for (const method of ['lora', 'qlora'] as const) {
    if (method === estimate.method || (method === 'lora' && estimate.method === 'qlora')) continue;
    const e = at(method, same.b, same.t);
    if (e.bytes.total <= limit)
      out.push(
        `${method === 'lora' ? 'LoRA' : 'QLoRA'} r=${loraRank ?? 8} at the same batch (${formatBytes(e.bytes.total)})`,
      );
  }
  for (let b = same.b >> 1; b >= 1; b >>= 1) {
    const e = at(estimate.method, b, same.t);
    if (e.bytes.total <= limit) {
      out.push(`batch size ${b} (${formatBytes(e.bytes.total)})`);
      break;
    }
  }
  const fixedLength =
    estimateMemory(model, { method: estimate.method, batchSize: 1, sequenceLength: 1 }).sequenceLength !== 1;
  for (let t = same.t >> 1; !fixedLength && t >= 8; t >>= 1) {
    const e = at(estimate.method, same.b, t);
    if (e.bytes.total <= limit) {
      out.push(`sequences of at most ${t} tokens (${formatBytes(e.bytes.total)})`);
      break;
    }
  }
  return out;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(bytes / 2 ** 10)} KiB`;
}
