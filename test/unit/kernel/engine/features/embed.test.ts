// embed(): pooled vectors equal the pooling computed from model.hidden by hand, do not depend on batching or
// padding, and come back from the on-disk cache (keyed by weights, pooling and text) without a forward pass.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { embed, type EmbedStats } from '../../../../../kernel/engine/features/embed';
import { logisticRegression } from '../../../../../kernel/engine/features/logisticRegression';
import { bertLike, gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { maxAbsDiff, TINY_DISTILBERT, TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);
const scratch = mkdtempSync(join(tmpdir(), 'tunebook-embed-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const texts = ['the cat sat on the mat', 'a dog', 'the dog ran', 'good cat', 'a dog'];

test('cls / mean / last pooling equal the hidden states pooled by hand; batching does not matter', async () => {
  const model = create(TINY_DISTILBERT, { seed: 1, architecture: 'DistilBertModel' });
  model.tokenizer = bertLike();
  const before = tf.memory().numTensors;
  const cls = await embed(model, texts, { pooling: 'cls', batchSize: 2 });
  const mean = await embed(model, texts, { pooling: 'mean', batchSize: 3 });
  const last = await embed(model, texts, { pooling: 'last', batchSize: 1 });
  assert.equal(tf.memory().numTensors, before);
  texts.forEach((text, i) => {
    const ids = model.tokenizer!.encode(text);
    const h = tf.tidy(() => model.hidden([ids]).arraySync() as number[][][])[0];
    assert.ok(maxAbsDiff(cls[i], h[0]) < 1e-5, `cls ${i}`);
    assert.ok(maxAbsDiff(last[i], h[h.length - 1]) < 1e-5, `last ${i}`);
    const m = h[0].map((_, c) => h.reduce((s, row) => s + row[c], 0) / h.length);
    assert.ok(maxAbsDiff(mean[i], m) < 1e-5, `mean ${i}`);
  });
  assert.deepEqual(mean[1], mean[4], 'equal texts give equal vectors');
  const normalized = await embed(model, texts.slice(0, 1), { normalize: true });
  assert.ok(Math.abs(Math.hypot(...normalized[0]) - 1) < 1e-9);
  model.dispose();
});

test('the disk cache serves repeated texts, misses after the weights change, survives a corrupt file', async () => {
  const model = create(TINY_GPT2, { seed: 2 });
  model.tokenizer = gpt2Like();
  const cacheDir = join(scratch, 'cache');
  const stats: EmbedStats = { texts: 0, computed: 0, fromCache: 0 };
  const first = await embed(model, texts, { pooling: 'last', cacheDir }, stats);
  assert.deepEqual(stats, { texts: 5, computed: 4, fromCache: 1 });
  const files = readdirSync(cacheDir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^embeddings-[0-9a-f]{32}\.safetensors$/);

  const second = await embed(model, [...texts, 'the mat'], { pooling: 'last', cacheDir }, stats);
  assert.deepEqual(stats, { texts: 6, computed: 1, fromCache: 5 });
  assert.deepEqual(second.slice(0, 5), first);

  await embed(model, texts, { pooling: 'mean', cacheDir }, stats);
  assert.equal(stats.computed, 4, 'another pooling is another cache key');

  const wte = model.params.get('transformer.wte.weight')!;
  tf.tidy(() => wte.assign(tf.mul(wte, 1.5)));
  const changed = await embed(model, texts, { pooling: 'last', cacheDir }, stats);
  assert.equal(stats.computed, 4, 'changed weights miss the cache');
  assert.ok(maxAbsDiff(changed[0], first[0]) > 1e-4);

  for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), 'not safetensors');
  const recomputed = await embed(model, texts, { pooling: 'last', cacheDir }, stats);
  assert.equal(stats.computed, 4);
  assert.deepEqual(recomputed, changed);
  model.dispose();
});

test('embeddings feed logistic regression; bad arguments are refused', async () => {
  const model = create(TINY_DISTILBERT, { seed: 3, architecture: 'DistilBertModel' });
  model.tokenizer = bertLike();
  const data = ['good cat', 'bad dog', 'the cat is good', 'the dog is bad', 'a good cat sat', 'a bad dog ran'];
  const labels = data.map((t) => (t.includes('good') ? 'pos' : 'neg'));
  const features = await embed(model, data, { pooling: 'mean' });
  const clf = logisticRegression(features, labels, { C: 100 });
  assert.equal(clf.evaluate(features, labels).accuracy, 1);
  await assert.rejects(embed(model, ['x'], { pooling: 'max' as never }), /pooling must be one of/);
  await assert.rejects(embed(model, [1 as never]), /texts\[0\] must be a string/);
  model.tokenizer = undefined;
  await assert.rejects(embed(model, ['x']), /needs a model with a tokenizer/);
  model.dispose();
});
