// Soft prompt tuning: a PEFT prompt made by an independent PyTorch reference (scripts/make_adapter_golden.py)
// gives its logits (≤ 1e-4), shapes stay [B, T, V], masks and classification work, only the prompt trains and
// the loss goes down, save → load round trip, generation sees the prompt.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { create } from '../../../../../kernel/engine/models/create';
import { train } from '../../../../../kernel/engine/train/trainer';
import { loadAdapter, saveAdapter } from '../../../../../kernel/engine/tuners/lora/peftFormat';
import { PROMPT_PARAM, promptTuning } from '../../../../../kernel/engine/tuners/promptTuning';
import { parseSafetensors } from '../../../../../kernel/engine/io/safetensors';
import { fixtureDir, maxAbsDiff } from '../models/golden';
import { useTestBackend } from '../models/testBackend';
import { snapshot, TINY_DISTILBERT } from '../train/trainerFakes';

const ADAPTERS = join(__dirname, '..', '..', '..', '..', 'fixtures', 'adapters');

before(useTestBackend);

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('a PEFT PROMPT_TUNING adapter gives the reference logits of the real tokens; shapes stay [B, T, V]', async () => {
  const model = await load(fixtureDir('gpt2'));
  await loadAdapter(model, join(ADAPTERS, 'prompt_gpt2'));
  const want = JSON.parse(readFileSync(join(ADAPTERS, 'prompt_gpt2', 'expected.json'), 'utf8'));
  const tensorsBefore = tf.memory().numTensors;
  const logits = model.logits(want.ids);
  assert.equal(tf.memory().numTensors, tensorsBefore + 1, 'no tensors leak from the prompted forward');
  assert.deepEqual(logits.shape, [2, 4, 267]);
  const diff = maxAbsDiff(logits, want.logits);
  assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
  const hidden = model.hidden(want.ids);
  assert.deepEqual(hidden.shape, [2, 4, 32]);
  // the base model gives different logits
  const base = await load(fixtureDir('gpt2'));
  const plain = base.logits(want.ids);
  assert.ok(maxAbsDiff(plain, want.logits) > 1e-2);
  // a padded row: the real positions of the unpadded tokens agree with the unpadded batch row
  const padded = model.logits([[...want.ids[0], 0, 0]], { attentionMask: [[1, 1, 1, 1, 0, 0]] });
  assert.ok(maxDiff(tf.slice(padded, [0, 0, 0], [1, 4, -1]), tf.slice(logits, [0, 0, 0], [1, 4, -1])) <= 1e-4);
  // too long for the positions once the prompt is in front
  assert.throws(
    () => model.logits([Array.from({ length: 46 }, () => 1)]),
    /virtual tokens exceed the model's 48 positions/,
  );
  // generation starts from the prompted context: its first greedy token is the argmax of the last prompted logit
  const gen = await model.generate(want.ids[0], { maxNewTokens: 1 });
  const lastArgmax = tf.tidy(() => tf.argMax(tf.slice(logits, [0, 3, 0], [1, 1, -1]), -1).dataSync()[0]);
  assert.deepEqual(gen.ids, [lastArgmax]);
  tf.dispose([logits, hidden, plain, padded]);
  [model, base].forEach((m) => m.dispose());
});

test('options are checked; vocab and text init copy word embeddings', async () => {
  const model = create(TINY_DISTILBERT, { seed: 1 });
  assert.throws(() => promptTuning(model, { virtualTokens: 0 }), /positive integer/);
  assert.throws(() => promptTuning(model, { virtualTokens: 40 }), /no room/);
  assert.throws(() => promptTuning(model, { virtualTokens: 2, init: 'hello' }), /tokenizer/);
  assert.equal(model.trainableVariables().length, model.params.size, 'failed calls change nothing');
  promptTuning(model, { virtualTokens: 3, init: 'vocab', seed: 2 });
  const table = model.params.get('distilbert.embeddings.word_embeddings.weight')!.arraySync() as number[][];
  const prompt = model.params.get(PROMPT_PARAM)!.arraySync() as number[][];
  for (const row of prompt)
    assert.ok(
      table.some((t) => t.every((x, i) => x === row[i])),
      'a vocabulary row',
    );
  const gpt2 = await load(fixtureDir('gpt2'));
  promptTuning(gpt2, { virtualTokens: 5, init: 'ab' });
  const ids = gpt2.tokenizer!.encode('ab', { addSpecialTokens: false });
  const wte = gpt2.params.get('transformer.wte.weight')!.arraySync() as number[][];
  const p = gpt2.params.get(PROMPT_PARAM)!.arraySync() as number[][];
  p.forEach((row, i) => assert.deepEqual(row, wte[ids[i % ids.length]]));
  [model, gpt2].forEach((m) => m.dispose());
});

test('training changes only the prompt embeddings and lowers the loss (DistilBERT classification)', async () => {
  // the golden fixture (weights of std 0.25): a freshly created tiny model's logits are too flat to move in a few steps
  const withHead = await load(fixtureDir('distilbert'));
  promptTuning(withHead, { virtualTokens: 4 });
  // by default the task head trains with the prompt (PEFT's modules_to_save for SEQ_CLS)
  assert.deepEqual(
    [...withHead.params]
      .filter(([, v]) => v.trainable)
      .map(([n]) => n)
      .sort(),
    ['classifier.bias', 'classifier.weight', 'pre_classifier.bias', 'pre_classifier.weight', PROMPT_PARAM].sort(),
  );
  withHead.dispose();
  const model = await load(fixtureDir('distilbert'));
  promptTuning(model, { virtualTokens: 4, init: 'vocab', seed: 4, trainHead: false });
  const before = await snapshot(model);
  const data = Array.from({ length: 8 }, (_, i) => ({ inputIds: [2, 5 + (i % 4), 9, 3], label: i % 2 }));
  const result = await train(model, data, {
    maxSteps: 10,
    batchSize: 4,
    learningRate: 5e-2,
    progress: false,
    loggingSteps: 1,
  });
  const losses = result.history.map((h) => h.loss);
  assert.ok(losses.at(-1)! < losses[0] - 0.05, `loss ${losses[0]} → ${losses.at(-1)}`);
  const after = await snapshot(model);
  for (const [name, w] of before) {
    if (name === PROMPT_PARAM) assert.notDeepEqual(after.get(name), w);
    else assert.deepEqual(after.get(name), w, `${name} changed`);
  }
  model.dispose();
});

test('save → load round trip in PEFT PROMPT_TUNING format', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prompt-'));
  try {
    const model = await load(fixtureDir('gpt2'));
    promptTuning(model, { virtualTokens: 2, init: 'random', seed: 5 });
    await saveAdapter(model, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    assert.equal(cfg.peft_type, 'PROMPT_TUNING');
    assert.equal(cfg.num_virtual_tokens, 2);
    assert.equal(cfg.token_dim, 32);
    assert.equal(cfg.task_type, 'CAUSAL_LM');
    const tensors = parseSafetensors(readFileSync(join(dir, 'adapter_model.safetensors'))).tensors;
    assert.deepEqual([...tensors.keys()], ['prompt_embeddings']);
    assert.deepEqual(tensors.get('prompt_embeddings')!.shape, [2, 32]);
    const fresh = await load(fixtureDir('gpt2'));
    await loadAdapter(fresh, dir);
    const ids = [[5, 17, 200]];
    const [a, b] = [model.logits(ids), fresh.logits(ids)];
    assert.equal(maxDiff(a, b), 0);
    const other = await load(fixtureDir('gpt2'));
    promptTuning(other, { virtualTokens: 3 });
    await assert.rejects(loadAdapter(other, dir), /2 virtual tokens, the model's soft prompt has 3/);
    tf.dispose([a, b]);
    [model, fresh, other].forEach((m) => m.dispose());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
