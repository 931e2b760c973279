import type { Rng } from '../train/rng';

export interface SamplingSettings {
  /** 0 = greedy. */
  temperature: number;
  topK?: number;
  topP?: number;
}

/**
 * Picks the next token from one row of logits. Greedy takes the first maximum (as torch.argmax). Sampling follows
 * Hugging Face's processor order: logits / temperature → top-k (ties with the k-th value kept) → top-p (drop the
 * least likely tokens whose cumulative probability stays ≤ 1 − p, always keeping the most likely) → draw.
 */
export function chooseToken(logits: Float32Array, s: SamplingSettings, rng: Rng): number {
  if (s.temperature === 0) return argmax(logits);
  const n = logits.length;
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = logits[i] / s.temperature;

  const keep = new Uint8Array(n).fill(1);
  if (s.topK !== undefined && s.topK < n) {
    const kth = [...scaled].sort((a, b) => b - a)[s.topK - 1];
    for (let i = 0; i < n; i++) if (scaled[i] < kth) keep[i] = 0;
  }

  const probs = softmax(scaled, keep);
  if (s.topP !== undefined && s.topP < 1) {
    const order = [...probs.keys()].filter((i) => keep[i]).sort((a, b) => probs[a] - probs[b]); // ascending
    let cumulative = 0;
    for (let j = 0; j < order.length - 1; j++) {
      cumulative += probs[order[j]];
      if (cumulative > 1 - s.topP) break;
      keep[order[j]] = 0;
    }
  }
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = keep[i] ? probs[i] : 0;
  return rng.sampleIndex(weights);
}

function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

function softmax(x: Float64Array, keep: Uint8Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (keep[i] && x[i] > max) max = x[i];
  const out = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (!keep[i]) continue;
    out[i] = Math.exp(x[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < x.length; i++) out[i] /= sum;
  return out;
}
