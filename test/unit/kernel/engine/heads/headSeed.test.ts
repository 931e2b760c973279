// Every new head is seeded: two heads built alike (addClassificationHead, or load() with a new head, text or ViT)
// start from identical weights without a seed being passed, and another seed gives other weights.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { load } from '../../../../../kernel/engine/models/load';
import { create } from '../../../../../kernel/engine/models/create';
import type { Model } from '../../../../../kernel/engine/models/model';
import { addClassificationHead, addScalarHead } from '../../../../../kernel/engine/heads/addHead';
import { useTestBackend } from '../models/testBackend';
import { TINY_DISTILBERT } from '../train/trainerFakes';

before(useTestBackend);

/** The named parameters' values, as plain arrays. */
function values(model: Model, names: string[]): number[][] {
  return names.map((name) => {
    const v = model.params.get(name);
    assert.ok(v, `the model has ${name}`);
    return Array.from(v.dataSync());
  });
}

test('addClassificationHead / addScalarHead: same (default) seed → identical head weights; another seed → different', () => {
  const backbone = create(TINY_DISTILBERT, { seed: 1, architecture: 'DistilBertModel' });
  const names = ['pre_classifier.weight', 'classifier.weight'];
  const a = values(addClassificationHead(backbone, { numLabels: 3 }), names);
  const b = values(addClassificationHead(backbone, { numLabels: 3 }), names);
  assert.deepEqual(a, b);
  const c = values(addClassificationHead(backbone, { numLabels: 3, seed: 5 }), names);
  assert.notDeepEqual(c[1], a[1]);
  assert.deepEqual(
    values(addScalarHead(backbone), ['classifier.weight']),
    values(addScalarHead(backbone), ['classifier.weight']),
  );
  backbone.dispose();
});

test('load() with a new text head: the fresh classifier is the same on every load unless the seed changes', async () => {
  const opts = { architecture: 'DistilBertForSequenceClassification', id2label: { 0: 'ham', 1: 'spam' } };
  const [a, b, c] = await Promise.all([
    load('tunebook/tiny-distilbert', opts),
    load('tunebook/tiny-distilbert', opts),
    load('tunebook/tiny-distilbert', { ...opts, seed: 8 }),
  ]);
  const names = ['pre_classifier.weight', 'classifier.weight'];
  assert.ok(
    names.every((n) => a.loadReport!.initialized.includes(n)),
    `fresh: ${a.loadReport!.initialized.join(', ')}`,
  );
  assert.deepEqual(values(a, names), values(b, names));
  assert.notDeepEqual(values(c, names)[1], values(a, names)[1]);
  // the pretrained weights do not depend on the seed
  const embedding = ['distilbert.embeddings.word_embeddings.weight'];
  assert.deepEqual(values(c, embedding), values(a, embedding));
  await assert.rejects(load('tunebook/tiny-distilbert', { ...opts, seed: 1.5 }), /seed must be an integer/);
  [a, b, c].forEach((m) => m.dispose());
});

test('load() with a new ViT head (id2label): identical classifier weights on two loads', async () => {
  const id2label = { 0: 'a', 1: 'b', 2: 'c' };
  const [a, b] = [await load('tunebook/tiny-vit', { id2label }), await load('tunebook/tiny-vit', { id2label })];
  assert.ok(a.loadReport!.initialized.includes('classifier.weight'));
  assert.deepEqual(values(a, ['classifier.weight']), values(b, ['classifier.weight']));
  [a, b].forEach((m) => m.dispose());
});
