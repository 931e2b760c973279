/**
 * The configurations of `npm run bench:scale` (issue 10's table): full-size shapes, or with `--tiny` the same
 * structure shrunk so the whole bench runs in seconds while developing.
 */
import { distilbertConfig, gpt2Config, vitConfig } from './shapes';

export type ScaleConfigName = 'gpt2-full' | 'gpt2-lora' | 'distilbert-full' | 'vit-full';
export const SCALE_CONFIG_NAMES: readonly ScaleConfigName[] = ['gpt2-full', 'gpt2-lora', 'distilbert-full', 'vit-full'];

export interface ScaleConfig {
  name: ScaleConfigName;
  /** What the row shows. */
  label: string;
  family: 'gpt2' | 'distilbert' | 'vit';
  method: 'full' | 'lora';
  /** LoRA: rank and target modules. */
  lora?: { r: number; alpha: number; targets: string[] };
  hf: Record<string, unknown>;
  /** The same sizes in the flat form bench/torch_scale.py reads. */
  torch: Record<string, number | string>;
  batchSize: number;
  /** Tokens per example (ViT: patches + class token). */
  sequenceLength: number;
  /** What a step processes, for the throughput column. */
  unit: 'tokens' | 'images';
  /** Child timeout. */
  timeoutMs: number;
}

interface Sizes {
  gpt2: { layers: number; hidden: number; heads: number; vocab: number; positions: number; batch: number; seq: number };
  distilbert: {
    layers: number;
    hidden: number;
    heads: number;
    vocab: number;
    positions: number;
    batch: number;
    seq: number;
  };
  vit: { layers: number; hidden: number; heads: number; image: number; patch: number; batch: number; labels: number };
}

const FULL: Sizes = {
  gpt2: { layers: 12, hidden: 768, heads: 12, vocab: 50257, positions: 1024, batch: 2, seq: 128 },
  distilbert: { layers: 6, hidden: 768, heads: 12, vocab: 30522, positions: 512, batch: 8, seq: 128 },
  vit: { layers: 12, hidden: 768, heads: 12, image: 224, patch: 16, batch: 8, labels: 10 },
};

const TINY: Sizes = {
  gpt2: { layers: 2, hidden: 64, heads: 4, vocab: 512, positions: 64, batch: 2, seq: 32 },
  distilbert: { layers: 2, hidden: 64, heads: 4, vocab: 512, positions: 64, batch: 4, seq: 32 },
  vit: { layers: 2, hidden: 64, heads: 4, image: 32, patch: 8, batch: 4, labels: 10 },
};

export function scaleConfigs(tiny: boolean): ScaleConfig[] {
  const s = tiny ? TINY : FULL;
  const minutes = (n: number) => (tiny ? 2 : n) * 60_000;
  const g = s.gpt2;
  const gpt2 = gpt2Config({
    layers: g.layers,
    hidden: g.hidden,
    heads: g.heads,
    intermediate: 4 * g.hidden,
    vocab: g.vocab,
    positions: g.positions,
  });
  const gpt2Torch = {
    family: 'gpt2',
    layers: g.layers,
    hidden: g.hidden,
    heads: g.heads,
    intermediate: 4 * g.hidden,
    vocab: g.vocab,
    positions: g.positions,
    batch: g.batch,
    seq: g.seq,
  };
  const d = s.distilbert;
  const v = s.vit;
  const vitTokens = (v.image / v.patch) ** 2 + 1;
  return [
    {
      name: 'gpt2-full',
      label: `GPT-2 ${g.layers}×${g.hidden}, vocab ${g.vocab}, full`,
      family: 'gpt2',
      method: 'full',
      hf: gpt2,
      torch: { ...gpt2Torch, method: 'full' },
      batchSize: g.batch,
      sequenceLength: g.seq,
      unit: 'tokens',
      timeoutMs: minutes(8),
    },
    {
      name: 'gpt2-lora',
      label: `GPT-2 ${g.layers}×${g.hidden}, LoRA r=8 on c_attn`,
      family: 'gpt2',
      method: 'lora',
      lora: { r: 8, alpha: 8, targets: ['c_attn'] },
      hf: gpt2,
      torch: { ...gpt2Torch, method: 'lora', r: 8, alpha: 8 },
      batchSize: g.batch,
      sequenceLength: g.seq,
      unit: 'tokens',
      timeoutMs: minutes(6),
    },
    {
      name: 'distilbert-full',
      label: `DistilBERT ${d.layers}×${d.hidden}, 2-label classification, full`,
      family: 'distilbert',
      method: 'full',
      hf: distilbertConfig(
        {
          layers: d.layers,
          hidden: d.hidden,
          heads: d.heads,
          intermediate: 4 * d.hidden,
          vocab: d.vocab,
          positions: d.positions,
        },
        2,
      ),
      torch: {
        family: 'distilbert',
        method: 'full',
        layers: d.layers,
        hidden: d.hidden,
        heads: d.heads,
        intermediate: 4 * d.hidden,
        vocab: d.vocab,
        positions: d.positions,
        batch: d.batch,
        seq: d.seq,
        labels: 2,
      },
      batchSize: d.batch,
      sequenceLength: d.seq,
      unit: 'tokens',
      timeoutMs: minutes(6),
    },
    {
      name: 'vit-full',
      label: `ViT ${v.layers}×${v.hidden}, ${v.image}² / ${v.patch}² patches, ${v.labels} classes, full`,
      family: 'vit',
      method: 'full',
      hf: vitConfig(
        {
          layers: v.layers,
          hidden: v.hidden,
          heads: v.heads,
          intermediate: 4 * v.hidden,
          imageSize: v.image,
          patchSize: v.patch,
        },
        v.labels,
      ),
      torch: {
        family: 'vit',
        method: 'full',
        layers: v.layers,
        hidden: v.hidden,
        heads: v.heads,
        intermediate: 4 * v.hidden,
        image: v.image,
        patch: v.patch,
        batch: v.batch,
        labels: v.labels,
      },
      batchSize: v.batch,
      sequenceLength: vitTokens,
      unit: 'images',
      timeoutMs: minutes(8),
    },
  ];
}
