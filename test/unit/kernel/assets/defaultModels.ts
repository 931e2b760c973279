// Test support for the committed default models in kernel/assets/models/: folder paths, the golden fixtures
// written by scripts/pretrain_default_models.py (PyTorch reference outputs), and the expected Hugging Face
// parameter names and shapes derived from a config.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { backendChoiceFromEnv, initBackend } from '../../../../kernel/engine/backends/ladder';

const ROOT = join(__dirname, '..', '..', '..', '..');
export const MODELS_DIR = join(ROOT, 'kernel', 'assets', 'models');
export const MAX_WEIGHTS_BYTES = 10 * 1024 * 1024;

export type DefaultModelName = 'tiny-gpt2' | 'tiny-gpt2-icl' | 'tiny-distilbert';

export function modelDir(name: DefaultModelName): string {
  return join(MODELS_DIR, name);
}

export interface TokenizerSample {
  text: string;
  ids: number[];
  decoded: string;
}

export function golden(name: DefaultModelName): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.golden.json`), 'utf8'));
}

export function readJson(name: DefaultModelName, file: string): Record<string, any> {
  return JSON.parse(readFileSync(join(modelDir(name), file), 'utf8'));
}

/** The engine tests run on the tfjs cpu backend unless TUNEBOOK_BACKEND names another. */
export async function useCpuBackend(): Promise<void> {
  process.env.TUNEBOOK_BACKEND ||= 'cpu';
  await initBackend(backendChoiceFromEnv());
}

/** GPT2LMHeadModel as written by save_pretrained: `transformer.` prefix, Conv1D [in, out], tied lm_head omitted. */
export function gpt2ExpectedShapes(cfg: Record<string, any>): Map<string, number[]> {
  const C = cfg.n_embd;
  const inner = cfg.n_inner ?? 4 * C;
  const shapes = new Map<string, number[]>([
    ['transformer.wte.weight', [cfg.vocab_size, C]],
    ['transformer.wpe.weight', [cfg.n_positions, C]],
    ['transformer.ln_f.weight', [C]],
    ['transformer.ln_f.bias', [C]],
  ]);
  for (let i = 0; i < cfg.n_layer; i++) {
    const p = `transformer.h.${i}`;
    for (const ln of ['ln_1', 'ln_2']) {
      shapes.set(`${p}.${ln}.weight`, [C]);
      shapes.set(`${p}.${ln}.bias`, [C]);
    }
    shapes.set(`${p}.attn.c_attn.weight`, [C, 3 * C]);
    shapes.set(`${p}.attn.c_attn.bias`, [3 * C]);
    shapes.set(`${p}.attn.c_proj.weight`, [C, C]);
    shapes.set(`${p}.attn.c_proj.bias`, [C]);
    shapes.set(`${p}.mlp.c_fc.weight`, [C, inner]);
    shapes.set(`${p}.mlp.c_fc.bias`, [inner]);
    shapes.set(`${p}.mlp.c_proj.weight`, [inner, C]);
    shapes.set(`${p}.mlp.c_proj.bias`, [C]);
  }
  return shapes;
}

/** DistilBertForMaskedLM: nn.Linear [out, in]; vocab_projector.weight tied to the word embeddings and omitted. */
export function distilbertExpectedShapes(cfg: Record<string, any>): Map<string, number[]> {
  const D = cfg.dim;
  const H = cfg.hidden_dim;
  const e = 'distilbert.embeddings';
  const shapes = new Map<string, number[]>([
    [`${e}.word_embeddings.weight`, [cfg.vocab_size, D]],
    [`${e}.position_embeddings.weight`, [cfg.max_position_embeddings, D]],
    [`${e}.LayerNorm.weight`, [D]],
    [`${e}.LayerNorm.bias`, [D]],
    ['vocab_transform.weight', [D, D]],
    ['vocab_transform.bias', [D]],
    ['vocab_layer_norm.weight', [D]],
    ['vocab_layer_norm.bias', [D]],
    ['vocab_projector.bias', [cfg.vocab_size]],
  ]);
  for (let i = 0; i < cfg.n_layers; i++) {
    const p = `distilbert.transformer.layer.${i}`;
    for (const lin of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) {
      shapes.set(`${p}.attention.${lin}.weight`, [D, D]);
      shapes.set(`${p}.attention.${lin}.bias`, [D]);
    }
    for (const ln of ['sa_layer_norm', 'output_layer_norm']) {
      shapes.set(`${p}.${ln}.weight`, [D]);
      shapes.set(`${p}.${ln}.bias`, [D]);
    }
    shapes.set(`${p}.ffn.lin1.weight`, [H, D]);
    shapes.set(`${p}.ffn.lin1.bias`, [H]);
    shapes.set(`${p}.ffn.lin2.weight`, [D, H]);
    shapes.set(`${p}.ffn.lin2.bias`, [D]);
  }
  return shapes;
}

/** Max |actual - expected| over a nested number array, with the first offending index in the message. */
export function assertAllClose(
  actual: number[][] | number[],
  expected: number[][] | number[],
  tol: number,
  what: string,
): void {
  const a = (actual as any[]).flat(2) as number[];
  const e = (expected as any[]).flat(2) as number[];
  assert.equal(a.length, e.length, `${what}: ${a.length} values, expected ${e.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${what}: max abs difference ${worst} at flat index ${at} (got ${a[at]}, expected ${e[at]}) exceeds ${tol}`,
  );
}

/** Row-wise log-sum-exp and argmax of a [T, V] tensor, plus its first `head` columns. */
export function summarizeRows(
  t: tf.Tensor2D,
  head: number,
): { head: number[][]; logsumexp: number[]; argmax: number[] } {
  return tf.tidy(() => ({
    head: tf.slice(t, [0, 0], [-1, head]).arraySync() as number[][],
    logsumexp: tf.logSumExp(t, 1).arraySync() as number[],
    argmax: tf.argMax(t, 1).arraySync() as number[],
  }));
}
