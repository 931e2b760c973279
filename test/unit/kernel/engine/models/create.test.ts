// create(config): HF parameter names and counts, HF-like init statistics, the layers() tree, config errors.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import type { LayerInfo } from '../../../../../kernel/engine/models/model';
import { ModelConfigError } from '../../../../../kernel/engine/models/modelConfigError';
import { useTestBackend } from './testBackend';

before(useTestBackend);

const tinyGpt2 = { model_type: 'gpt2', vocab_size: 100, n_positions: 16, n_embd: 24, n_layer: 3, n_head: 4 };

function total(model: { params: Map<string, tf.Variable> }): number {
  return [...model.params.values()].reduce((n, v) => n + v.size, 0);
}

function find(layers: LayerInfo[], path: string): LayerInfo | undefined {
  for (const l of layers) {
    if (l.path === path) return l;
    const inner = l.children && find(l.children, path);
    if (inner) return inner;
  }
  return undefined;
}

function stats(v: tf.Tensor): { mean: number; std: number } {
  const data = Array.from(v.dataSync() as Float32Array);
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  const variance = data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length;
  return { mean, std: Math.sqrt(variance) };
}

describe('create', () => {
  test('GPT-2: HF names and the HF parameter count formula', () => {
    const m = create(tinyGpt2, { seed: 1 });
    const [V, P, C, L] = [100, 16, 24, 3];
    const perBlock = 2 * 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + (C * 4 * C + 4 * C) + (4 * C * C + C);
    assert.equal(total(m), V * C + P * C + L * perBlock + 2 * C);
    assert.deepEqual(m.params.get('transformer.h.2.attn.c_attn.weight')!.shape, [C, 3 * C]);
    assert.deepEqual(m.params.get('transformer.h.0.mlp.c_proj.weight')!.shape, [4 * C, C]);
    assert.equal(m.architecture, 'GPT2LMHeadModel');
    assert.equal(m.config.activation_function, 'gelu_new', 'defaults are filled in');
    m.dispose();
  });

  test('init follows HF: normal(0, initializer_range), scaled residual projections, zero bias, unit LayerNorm', () => {
    const m = create({ ...tinyGpt2, n_embd: 64, initializer_range: 0.05 }, { seed: 2 });
    const wte = stats(m.params.get('transformer.wte.weight')!);
    assert.ok(Math.abs(wte.std - 0.05) < 0.005 && Math.abs(wte.mean) < 0.005, `wte std ${wte.std}`);
    const proj = stats(m.params.get('transformer.h.0.attn.c_proj.weight')!);
    const want = 0.05 / Math.sqrt(2 * 3);
    assert.ok(Math.abs(proj.std - want) < 0.003, `c_proj std ${proj.std}, want ${want}`);
    assert.equal(stats(m.params.get('transformer.h.0.attn.c_attn.bias')!).std, 0);
    assert.deepEqual([...new Set(m.params.get('transformer.ln_f.weight')!.dataSync())], [1]);
    m.dispose();
  });

  test('equal seeds give equal weights', () => {
    const a = create(tinyGpt2, { seed: 5 });
    const b = create(tinyGpt2, { seed: 5 });
    assert.deepEqual(
      a.params.get('transformer.h.1.mlp.c_fc.weight')!.dataSync(),
      b.params.get('transformer.h.1.mlp.c_fc.weight')!.dataSync(),
    );
    a.dispose();
    b.dispose();
  });

  test('BERT: padding row of the word embeddings is zero; classifier size from id2label', () => {
    const m = create({
      model_type: 'bert',
      vocab_size: 30,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_position_embeddings: 12,
      pad_token_id: 3,
      id2label: { 0: 'a', 1: 'b', 2: 'c', 3: 'd' },
    });
    const row = tf.tidy(() =>
      tf.slice(m.params.get('bert.embeddings.word_embeddings.weight')!, [3, 0], [1, -1]).dataSync(),
    );
    assert.ok(row.every((x) => x === 0));
    assert.deepEqual(m.params.get('classifier.weight')!.shape, [4, 16]);
    tf.tidy(() => assert.deepEqual(m.logits([[1, 2, 3]]).shape, [1, 4]));
    m.dispose();
  });

  test('DistilBERT with sinusoidal positions: HF table, frozen', () => {
    const m = create({
      model_type: 'distilbert',
      vocab_size: 30,
      dim: 8,
      n_layers: 1,
      n_heads: 2,
      hidden_dim: 16,
      max_position_embeddings: 10,
      sinusoidal_pos_embds: true,
    });
    const pos = m.params.get('distilbert.embeddings.position_embeddings.weight')!;
    assert.equal(pos.trainable, false);
    const table = pos.arraySync() as number[][];
    assert.ok(Math.abs(table[3][4] - Math.sin(3 / Math.pow(10000, 4 / 8))) < 1e-6);
    assert.ok(Math.abs(table[3][5] - Math.cos(3 / Math.pow(10000, 4 / 8))) < 1e-6);
    assert.ok(!m.trainableVariables().includes(pos));
    m.dispose();
  });

  test('ViT: shapes from image and patch size; NHWC input', () => {
    const m = create({
      model_type: 'vit',
      image_size: 8,
      patch_size: 4,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      num_labels: 7,
    });
    assert.deepEqual(m.params.get('vit.embeddings.position_embeddings')!.shape, [1, 5, 16]);
    tf.tidy(() => {
      assert.deepEqual(m.logits(tf.zeros([2, 8, 8, 3])).shape, [2, 7]);
      assert.deepEqual(m.hidden(tf.zeros([2, 8, 8, 3])).shape, [2, 5, 16]);
    });
    m.dispose();
  });

  test('bare backbones by architecture: names without prefix, hidden states out', () => {
    const m = create({ ...tinyGpt2, architectures: ['GPT2Model'] });
    assert.equal(m.architecture, 'GPT2Model');
    assert.ok(m.params.has('h.0.attn.c_attn.weight'));
    tf.tidy(() => assert.deepEqual(m.logits([[1, 2, 3]]).shape, [1, 3, 24]));
    m.dispose();
  });
});

describe('layers()', () => {
  test('paths mirror HF names, counts add up, trainable follows the variables', () => {
    const m = create(tinyGpt2, { seed: 1 });
    const layers = m.layers();
    assert.deepEqual(
      layers.map((l) => l.path),
      ['transformer', 'lm_head'],
    );
    const attn = find(layers, 'transformer.h.1.attn')!;
    assert.equal(attn.kind, 'GPT2Attention');
    assert.deepEqual(
      attn.children!.map((c) => c.path),
      ['transformer.h.1.attn.c_attn', 'transformer.h.1.attn.c_proj'],
    );
    assert.equal(find(layers, 'transformer.h.1.attn.c_attn')!.params, 24 * 72 + 72);
    assert.equal(layers[0].params, total(m));
    assert.equal(find(layers, 'lm_head')!.params, 0, 'the tied head owns no parameters');

    m.params.get('transformer.h.1.attn.c_attn.weight')!.trainable = false;
    const after = m.layers();
    assert.equal(find(after, 'transformer.h.1.attn.c_attn')!.trainable, false);
    assert.equal(find(after, 'transformer.h.1.attn.c_attn')!.trainableParams, 72);
    assert.equal(find(after, 'transformer.h.0')!.trainable, true);
    assert.equal(m.trainableVariables().length, m.params.size - 1);
    m.dispose();
  });
});

describe('config errors', () => {
  test('unsupported model types, heads, activations and settings are refused clearly', () => {
    assert.throws(
      () => create({ model_type: 'llama' }),
      (e: Error) =>
        e instanceof ModelConfigError && /model_type "llama" is not supported; supported: gpt2/.test(e.message),
    );
    assert.throws(
      () => create({ ...tinyGpt2 }, { architecture: 'GPT2ForTokenClassification' }),
      /not available for gpt2/,
    );
    assert.throws(
      () => create({ ...tinyGpt2, activation_function: 'gelu_magic' }),
      /activation_function "gelu_magic" is not supported/,
    );
    assert.throws(() => create({ ...tinyGpt2, n_head: 5 }), /n_embd \/ n_head: 24 is not divisible by 5/);
    assert.throws(
      () => create({ model_type: 'bert', position_embedding_type: 'relative_key' }),
      /position_embedding_type/,
    );
    assert.throws(() => create({ model_type: 'bert', num_labels: 0 }), /num_labels must be a positive integer/);
    assert.throws(() => create(null as never), /needs a config object/);
  });

  test('model_type is inferred from architectures', () => {
    const m = create({
      architectures: ['DistilBertModel'],
      vocab_size: 20,
      dim: 8,
      n_layers: 1,
      n_heads: 2,
      hidden_dim: 8,
      max_position_embeddings: 8,
    });
    assert.equal(m.modelType, 'distilbert');
    assert.equal(m.architecture, 'DistilBertModel');
    m.dispose();
  });
});
