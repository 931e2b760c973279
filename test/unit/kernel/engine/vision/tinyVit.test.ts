// The embedded tiny-vit: load() gives the same logits as the PyTorch model that pretrained it (fixture written by
// scripts/pretrain_default_vit.py from the same PNGs; tolerance 1e-4), and replacing its classification head for a
// new label count leaves every backbone weight exactly as stored.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { readHfFolder } from '../../../../../kernel/engine/io/hfFolder';
import { builtinModelDir } from '../../../../../kernel/engine/io/builtinModels';
import { freeze } from '../../../../../kernel/engine/tuners/freeze';
import { trainImageClassifier } from '../../../../../kernel/engine/train/imageTrainer';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { useTestBackend } from '../models/testBackend';
import { DIGITS, FIXTURES, REPO_ROOT } from './visionFixtures';

before(useTestBackend);

test('tiny-vit logits match torch within 1e-4', async () => {
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'tiny_vit_logits.json'), 'utf8')) as {
    files: string[];
    logits: number[][];
  };
  const model = await load('tunebook/tiny-vit');
  assert.deepEqual(model.loadReport!.initialized, []);
  const data = new ImageDataset(
    golden.files.map((f) => ({ path: join(REPO_ROOT, f), label: 'x' })),
    { preprocessor: model.preprocessorConfig },
  );
  const batch = await data.batch([0, 1, 2, 3]);
  const logits = tf.tidy(() => model.logits(batch.pixels).arraySync() as number[][]);
  batch.pixels.dispose();
  assert.equal(logits[0].length, 10);
  let worst = 0;
  logits.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - golden.logits[i][j])))));
  assert.ok(worst < 1e-4, `max |diff| ${worst}`);
  model.dispose();
});

test('a new 2-label head is fresh; the backbone is the checkpoint, before and after head-only training', async () => {
  const folder = await readHfFolder(builtinModelDir('tunebook/tiny-vit')!);
  const model = await load('tunebook/tiny-vit', { id2label: { 0: 'high', 1: 'low' } });
  assert.deepEqual(model.loadReport!.initialized.sort(), ['classifier.bias', 'classifier.weight']);
  assert.deepEqual(model.params.get('classifier.weight')!.shape, [2, 64]);
  const expectBackboneUntouched = () => {
    let checked = 0;
    for (const [name, variable] of model.params) {
      if (!name.startsWith('vit.')) continue;
      const stored = folder.weights.get(name)!;
      assert.ok(stored, `${name} is in the checkpoint`);
      assert.deepEqual(variable.shape, stored.shape);
      assert.deepEqual(variable.dataSync(), stored.data, `${name} differs from the checkpoint`);
      checked++;
    }
    assert.equal(checked, [...folder.weights.keys()].filter((n) => n.startsWith('vit.')).length);
  };
  expectBackboneUntouched();
  const headBefore = Array.from(model.params.get('classifier.weight')!.dataSync());
  freeze(model, 'vit.**');
  const data = await ImageDataset.fromFolder(join(DIGITS, 'eval'), { preprocessor: model.preprocessorConfig });
  const [small] = data.split(0.2, 1);
  const result = await trainImageClassifier(model, small, {
    epochs: 1,
    batchSize: 8,
    learningRate: 1e-2,
    progress: false,
  });
  assert.equal(result.trainableParams, 2 * 64 + 2);
  assert.notDeepEqual(Array.from(model.params.get('classifier.weight')!.dataSync()), headBefore);
  expectBackboneUntouched();
  model.dispose();
});

test('freezing by blocks: { firstBlocks: 2 } freezes the embeddings and layers 0-1 only', async () => {
  const model = await load('tunebook/tiny-vit', { id2label: { 0: 'high', 1: 'low' } });
  freeze(model, { firstBlocks: 2 });
  for (const [name, variable] of model.params) {
    const frozen = name.startsWith('vit.embeddings.') || /^vit\.encoder\.layer\.[01]\./.test(name);
    assert.equal(variable.trainable, !frozen, name);
  }
  model.dispose();
});
