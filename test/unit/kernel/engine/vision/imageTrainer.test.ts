// Image fine-tuning: a few epochs on the digit images lower the loss and keep tensors from leaking; LoRA on the
// attention projections trains only adapters and the head, and its PEFT adapter saves the classifier as a module
// to save; mismatched heads and frozen models are refused with what to do.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { parseSafetensors } from '../../../../../kernel/engine/io/safetensors';
import { freeze } from '../../../../../kernel/engine/tuners/freeze';
import { lora } from '../../../../../kernel/engine/tuners/lora/inject';
import { saveAdapter } from '../../../../../kernel/engine/tuners/lora/peftFormat';
import { evaluateImageClassifier, trainImageClassifier } from '../../../../../kernel/engine/train/imageTrainer';
import { TrainerError } from '../../../../../kernel/engine/train/trainerError';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { useTestBackend } from '../models/testBackend';
import { DIGITS, tempDir } from './visionFixtures';

before(useTestBackend);

async function digits(preprocessor: object | undefined) {
  const all = await ImageDataset.fromFolder(join(DIGITS, 'train'), {
    preprocessor,
    augment: { randomResizedCrop: { scale: [0.7, 1] } },
    seed: 1,
  });
  return all.split(0.15, 2)[0]; // 24 images
}

test('full fine-tuning lowers the training loss, is seeded, and leaks no tensors', async () => {
  const run = async () => {
    const model = await load('tunebook/tiny-vit', { id2label: { 0: 'high', 1: 'low' } });
    const head = model.params.get('classifier.weight')!;
    head.assign(tf.tidy(() => tf.mul(tf.randomNormal(head.shape, 0, 1, 'float32', 11), 0.02))); // the new head's init is not seeded by train
    const data = await digits(model.preprocessorConfig);
    const before = await evaluateImageClassifier(model, data);
    const tensors = tf.memory().numTensors;
    const result = await trainImageClassifier(model, data, {
      epochs: 2,
      batchSize: 8,
      learningRate: 1e-3,
      progress: false,
      seed: 5,
    });
    assert.equal(tf.memory().numTensors, tensors);
    const after = await evaluateImageClassifier(model, data);
    model.dispose();
    return { before: before!, after: after!, result };
  };
  const { before, after, result } = await run();
  assert.equal(result.task, 'image-classification');
  assert.equal(result.status, 'completed');
  assert.equal(result.epochs.length, 2);
  assert.equal(result.steps, 6);
  assert.ok(after.loss < before.loss, `loss ${before.loss} → ${after.loss}`);
  assert.equal(result.trainableParams, result.totalParams);
  const again = await run();
  assert.deepEqual(
    again.result.epochs.map((e) => e.loss),
    result.epochs.map((e) => e.loss),
  );
});

test('LoRA on query/value trains adapters + classifier; the adapter saves modules_to_save ["classifier"]', async () => {
  const model = await load('tunebook/tiny-vit', { id2label: { 0: 'high', 1: 'low' } });
  const summary = lora(model, { r: 4, alpha: 8, seed: 3 });
  const trainable = [...model.params].filter(([, v]) => v.trainable).map(([n]) => n);
  assert.ok(
    trainable.every((n) => /lora_[AB]|^classifier\./.test(n)),
    trainable.join(', '),
  );
  assert.ok(
    trainable.some((n) => n.includes('attention.attention.query')) &&
      trainable.some((n) => n.includes('attention.attention.value')),
  );
  assert.ok(!trainable.some((n) => n.includes('attention.attention.key')));
  const frozenBefore = Array.from(model.params.get('vit.encoder.layer.0.attention.attention.query.weight')!.dataSync());
  const data = await digits(model.preprocessorConfig);
  await trainImageClassifier(model, data, { epochs: 1, batchSize: 8, learningRate: 1e-2, progress: false });
  assert.deepEqual(
    Array.from(model.params.get('vit.encoder.layer.0.attention.attention.query.weight')!.dataSync()),
    frozenBefore,
  );
  const dir = tempDir('tunebook-vit-adapter-');
  await saveAdapter(model, dir);
  const config = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
  assert.deepEqual(config.modules_to_save, ['classifier']);
  assert.deepEqual(config.target_modules, ['query', 'value']);
  const names = [...parseSafetensors(readFileSync(join(dir, 'adapter_model.safetensors'))).tensors.keys()];
  assert.ok(names.includes('base_model.model.classifier.weight') && names.includes('base_model.model.classifier.bias'));
  assert.ok(
    names.includes('base_model.model.vit.encoder.layer.3.attention.attention.value.lora_B.weight'),
    names.join(', '),
  );
  assert.ok(summary !== undefined);
  model.dispose();
});

test('a head of the wrong size, a text model and a frozen model are refused', async () => {
  const model = await load('tunebook/tiny-vit');
  const data = await digits(model.preprocessorConfig);
  await assert.rejects(
    trainImageClassifier(model, data, { progress: false }),
    (e: Error) => e instanceof TrainerError && /head has 10 labels but the data has 2 \(high, low\)/.test(e.message),
  );
  const two = await load('tunebook/tiny-vit', { id2label: data.id2label });
  freeze(two, '**');
  await assert.rejects(trainImageClassifier(two, data, { progress: false }), /no trainable parameters/);
  const gpt2 = await load('tunebook/tiny-gpt2');
  await assert.rejects(trainImageClassifier(gpt2, data, { progress: false }), /needs a ViT model, got a gpt2/);
  [model, two, gpt2].forEach((m) => m.dispose());
});
