// Classification and scalar heads: shapes, pooling computed independently from hidden states, HF names in
// params / layers() / save, save → load round trips, head replacement leaving the backbone untouched.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { load } from '../../../../../kernel/engine/models/load';
import { readHfFolder } from '../../../../../kernel/engine/io/hfFolder';
import { addClassificationHead, addScalarHead, loadHeadWeights } from '../../../../../kernel/engine/heads/addHead';
import { bertLike, gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { maxAbsDiff, snapshot, TINY_DISTILBERT, TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);
const scratch = mkdtempSync(join(tmpdir(), 'tunebook-heads-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const TINY_BERT = {
  model_type: 'bert',
  num_hidden_layers: 1,
  num_attention_heads: 2,
  hidden_size: 16,
  intermediate_size: 32,
  vocab_size: 24,
  max_position_embeddings: 32,
};
const ids = [
  [5, 6, 7, 8],
  [9, 10, 0, 0],
];
const attentionMask = [
  [1, 1, 1, 1],
  [1, 1, 0, 0],
];

/** y = x W^T (+ b) in plain JS. */
function linear(x: number[], w: tf.Variable, b?: tf.Variable): number[] {
  const [out, inF] = w.shape;
  const wd = w.dataSync();
  const bd = b?.dataSync();
  return Array.from({ length: out }, (_, o) => {
    let s = bd ? bd[o] : 0;
    for (let i = 0; i < inF; i++) s += wd[o * inF + i] * x[i];
    return s;
  });
}

test('GPT-2 head: [batch, numLabels] from the last non-padding token, HF names, no LM head', () => {
  const lm = create(TINY_GPT2, { seed: 1 });
  const model = addClassificationHead(lm, { id2label: ['neg', 'neu', 'pos'], seed: 2 });
  assert.equal(model.architecture, 'GPT2ForSequenceClassification');
  assert.equal(model.numLabels, 3);
  const names = [...model.params.keys()];
  assert.deepEqual(
    names.filter((n) => !n.startsWith('transformer.')),
    ['score.weight'],
  );
  assert.deepEqual(model.params.get('score.weight')!.shape, [3, 16]);
  assert.deepEqual(
    model.layers().map((l) => [l.path, l.params]),
    [
      ['transformer', [...lm.params.values()].reduce((n, v) => n + v.size, 0)],
      ['score', 48],
    ],
  );

  const before = tf.memory().numTensors;
  const logits = model.logits(ids, { attentionMask });
  assert.deepEqual(logits.shape, [2, 3]);
  const hidden = lm.hidden(ids, { attentionMask });
  const h = hidden.arraySync() as number[][][];
  const expected = [
    linear(h[0][3], model.params.get('score.weight')!),
    linear(h[1][1], model.params.get('score.weight')!),
  ];
  assert.ok(maxAbsDiff(logits.dataSync(), expected.flat()) < 1e-5);
  // padding more does not change the result
  const padded = model.logits([...ids.map((r) => [...r, 0, 0])], {
    attentionMask: attentionMask.map((r) => [...r, 0, 0]),
  });
  assert.ok(maxAbsDiff(padded.dataSync(), logits.dataSync()) < 1e-5);
  tf.dispose([logits, hidden, padded]);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(model.config.id2label['2'], 'pos');
  assert.equal(model.config.label2id.neu, 1);
  model.dispose();
});

test('text input: the head tokenizes, pads and masks itself', () => {
  const lm = create(TINY_GPT2, { seed: 1 });
  lm.tokenizer = gpt2Like();
  const model = addClassificationHead(lm, { numLabels: 2 });
  const both = model.logits(['the cat sat on the mat', 'a dog']).arraySync() as number[][];
  const alone = model.logits('a dog').arraySync() as number[][];
  assert.ok(maxAbsDiff(both[1], alone[0]) < 1e-5);
  model.dispose();
});

test('replacing a loaded DistilBERT head leaves every backbone weight untouched; save → load reproduces logits', async () => {
  const base = create({ ...TINY_DISTILBERT, num_labels: 2 }, { seed: 3 });
  base.tokenizer = bertLike();
  assert.equal(base.architecture, 'DistilBertForSequenceClassification');
  const backboneBefore = await snapshot(base);
  const model = addClassificationHead(base, { numLabels: 5, seed: 4 });
  for (const [name, w] of backboneBefore) {
    if (name.startsWith('distilbert.')) {
      assert.equal(model.params.get(name), base.params.get(name), `${name} is not shared`);
      assert.deepEqual(model.params.get(name)!.dataSync(), w, `${name} changed`);
    }
  }
  assert.deepEqual(model.params.get('classifier.weight')!.shape, [5, 16]);
  assert.notEqual(model.params.get('classifier.weight'), base.params.get('classifier.weight'));
  assert.deepEqual(
    model.layers().map((l) => l.path),
    ['distilbert', 'pre_classifier', 'classifier'],
  );

  // CLS pooling → pre_classifier → ReLU → classifier, computed by hand
  const h = model.hidden(ids, { attentionMask }).arraySync() as number[][][];
  const expected = h.map((seq) =>
    linear(
      linear(seq[0], model.params.get('pre_classifier.weight')!, model.params.get('pre_classifier.bias')!).map((v) =>
        Math.max(0, v),
      ),
      model.params.get('classifier.weight')!,
      model.params.get('classifier.bias')!,
    ),
  );
  const logits = model.logits(ids, { attentionMask });
  assert.ok(maxAbsDiff(logits.dataSync(), expected.flat()) < 1e-5);

  const dir = join(scratch, 'distil');
  await model.save(dir);
  const folder = await readHfFolder(dir);
  assert.deepEqual(folder.config.architectures, ['DistilBertForSequenceClassification']);
  assert.equal(folder.config.num_labels, 5);
  assert.ok(
    folder.weights.has('pre_classifier.weight') &&
      folder.weights.has('classifier.bias') &&
      folder.weights.has('distilbert.embeddings.word_embeddings.weight'),
  );
  assert.ok(folder.tokenizerJson);
  const reloaded = await load(dir);
  assert.deepEqual(reloaded.loadReport?.initialized, []);
  const again = reloaded.logits(ids, { attentionMask });
  assert.ok(maxAbsDiff(again.dataSync(), logits.dataSync()) < 1e-5);
  tf.dispose([logits, again]);
  reloaded.dispose();
  model.dispose();
});

test('bare backbones get the HF prefix; BERT pools with its pooler and round-trips through load()', async () => {
  const bare = create(TINY_BERT, { seed: 5, architecture: 'BertModel' });
  assert.ok(bare.params.has('embeddings.word_embeddings.weight'));
  const model = addClassificationHead(bare, { numLabels: 3, seed: 1 });
  assert.equal(model.pooling, 'pooler');
  assert.ok(model.params.has('bert.embeddings.word_embeddings.weight') && model.params.has('bert.pooler.dense.weight'));
  assert.equal(model.layers()[0].path, 'bert');
  assert.equal(model.layers()[0].children![0].path, 'bert.embeddings');
  const logits = model.logits(ids, { attentionMask });
  const dir = join(scratch, 'bert');
  await model.save(dir);
  const reloaded = await load(dir);
  assert.equal(reloaded.architecture, 'BertForSequenceClassification');
  const again = reloaded.logits(ids, { attentionMask });
  assert.ok(maxAbsDiff(again.dataSync(), logits.dataSync()) < 1e-5);
  tf.dispose([logits, again]);
  reloaded.dispose();
  model.dispose();
});

test('GPT-2 head saves as GPT2ForSequenceClassification; load() + loadHeadWeights restores it', async () => {
  const model = addClassificationHead(create(TINY_GPT2, { seed: 6 }), { numLabels: 2, seed: 7 });
  const dir = join(scratch, 'gpt2');
  await model.save(dir);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.deepEqual(config.architectures, ['GPT2ForSequenceClassification']);
  const backbone = await load(dir);
  assert.deepEqual(backbone.loadReport?.ignored, ['score.weight']);
  const restored = addClassificationHead(backbone, { numLabels: 2 });
  await loadHeadWeights(restored, dir);
  const a = model.logits(ids, { attentionMask });
  const b = restored.logits(ids, { attentionMask });
  assert.ok(maxAbsDiff(a.dataSync(), b.dataSync()) < 1e-6);
  const wrong = addClassificationHead(backbone, { numLabels: 4 });
  await assert.rejects(loadHeadWeights(wrong, dir), /score\.weight has shape \[2, 16\], the head needs \[4, 16\]/);
  tf.dispose([a, b]);
  model.dispose();
  restored.dispose();
});

test('scalar head: logits [batch]; mean pooling equals the masked mean of hidden states', () => {
  const lm = create(TINY_GPT2, { seed: 8 });
  const reward = addScalarHead(lm, { pooling: 'mean', seed: 9 });
  assert.equal(reward.config.num_labels, 1);
  const scores = reward.logits(ids, { attentionMask });
  assert.deepEqual(scores.shape, [2]);
  const h = lm.hidden(ids, { attentionMask }).arraySync() as number[][][];
  const means = h.map((seq, b) => {
    const kept = seq.filter((_, t) => attentionMask[b][t] === 1);
    return kept[0].map((_, c) => kept.reduce((s, v) => s + v[c], 0) / kept.length);
  });
  const expected = means.map((m) => linear(m, reward.params.get('score.weight')!)[0]);
  assert.ok(maxAbsDiff(scores.dataSync(), expected) < 1e-5);
  scores.dispose();
  reward.dispose();
});

test('ViT: a classifier on the class token saves as ViTForImageClassification and round-trips', async () => {
  const vit = create(
    {
      model_type: 'vit',
      image_size: 8,
      patch_size: 4,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
    },
    { seed: 2, architecture: 'ViTModel' },
  );
  const model = addClassificationHead(vit, { id2label: ['a', 'b', 'c'], seed: 3 });
  const pixels = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4);
  const logits = model.logits(pixels);
  assert.deepEqual(logits.shape, [2, 3]);
  const dir = join(scratch, 'vit');
  await model.save(dir);
  const reloaded = await load(dir);
  assert.equal(reloaded.architecture, 'ViTForImageClassification');
  const again = reloaded.logits(pixels);
  assert.ok(maxAbsDiff(again.dataSync(), logits.dataSync()) < 1e-5);
  tf.dispose([pixels, logits, again]);
  reloaded.dispose();
  model.dispose();
});

test('head options are checked', () => {
  const lm = create(TINY_GPT2, { seed: 1 });
  assert.throws(() => addClassificationHead(lm, { numLabels: 0 }), /numLabels must be an integer >= 1/);
  assert.throws(() => addClassificationHead(lm, { pooling: 'pooler' }), /not available for gpt2/);
  assert.throws(() => addClassificationHead(lm, { id2label: ['a', 'a'] }), /unique/);
  assert.throws(() => addClassificationHead(lm, { id2label: { 0: 'a', 2: 'b' } }), /0\.\.n-1/);
  assert.throws(() => addClassificationHead(lm, { dropout: 1 }), /dropout must be in \[0, 1\)/);
  lm.dispose();
});
