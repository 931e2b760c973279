// Every training job must read tensors back only asynchronously: tfjs-backend-webgpu under Node cannot read
// synchronously (the engine turns that into WebGpuSyncReadError). Here, on the test backend, the synchronous read
// paths are made to throw — Tensor.dataSync / arraySync / bufferSync and the engine's readSync, which every one of
// them goes through — and train(), a checkpoint save, trainImageClassifier, evaluateImageClassifier, the reward
// model, DPO, PPO and few-shot scoring must each still complete. (The backend's own readSync is left alone: the
// cpu backend's asynchronous read() is built on it.)
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { load } from '../../../../../kernel/engine/models/load';
import { train } from '../../../../../kernel/engine/train/trainer';
import { evaluateImageClassifier, trainImageClassifier } from '../../../../../kernel/engine/train/imageTrainer';
import { trainingStats } from '../../../../../kernel/engine/train/trainingStats';
import { dpo, ppo, rewardModel, type PreferencePair } from '../../../../../kernel/engine/rlhf';
import { fewShotClassify } from '../../../../../kernel/engine/icl/fewShot';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { useTestBackend } from '../models/testBackend';
import { DIGITS } from '../vision/visionFixtures';
import { TINY_GPT2 } from './trainerFakes';

const ROOT = join(__dirname, '../../../../..');
const TINY_GPT2_DIR = join(ROOT, 'kernel/assets/models/tiny-gpt2');

before(useTestBackend);

class SyncReadError extends Error {}

/** Runs `body` with every synchronous read path throwing; restores them afterwards. Returns the reads refused. */
async function withoutSyncReads<T>(body: () => Promise<T>): Promise<{ result: T; refused: string[] }> {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const engine = tf.engine() as unknown as Record<string, unknown>;
  const saved = {
    dataSync: proto.dataSync,
    arraySync: proto.arraySync,
    bufferSync: proto.bufferSync,
    readSync: engine.readSync,
  };
  const refused: string[] = [];
  const refuse = (what: string) => () => {
    refused.push(what);
    throw new SyncReadError(`synchronous read (${what}) in a training job's path`);
  };
  proto.dataSync = refuse('Tensor.dataSync');
  proto.arraySync = refuse('Tensor.arraySync');
  proto.bufferSync = refuse('Tensor.bufferSync');
  engine.readSync = refuse('engine.readSync');
  try {
    return { result: await body(), refused };
  } finally {
    proto.dataSync = saved.dataSync;
    proto.arraySync = saved.arraySync;
    proto.bufferSync = saved.bufferSync;
    engine.readSync = saved.readSync;
  }
}

test('the guard itself refuses a synchronous read and restores afterwards', async () => {
  const t = tf.tensor1d([1, 2]);
  await assert.rejects(
    withoutSyncReads(async () => t.dataSync()),
    SyncReadError,
  );
  await assert.rejects(
    withoutSyncReads(async () => t.arraySync()),
    SyncReadError,
  );
  const { result } = await withoutSyncReads(async () => Array.from(await t.data()));
  assert.deepEqual(result, [1, 2]);
  assert.deepEqual(Array.from(t.dataSync()), [1, 2]);
  t.dispose();
});

const pairs: PreferencePair[] = [
  { prompt: 'The ship', chosen: ' sailed over the sea', rejected: ' sailed over a sea' },
  { prompt: 'A cat', chosen: ' sat on the mat', rejected: ' sat on a mat' },
  { prompt: 'We walked', chosen: ' to the town', rejected: ' to a town' },
  { prompt: 'She read', chosen: ' the book', rejected: ' a book' },
];

test('train() with gradient accumulation, clipping, eval and a checkpoint save reads back only asynchronously', async () => {
  const model = create(TINY_GPT2, { seed: 1 });
  const data = Array.from({ length: 8 }, (_, i) => ({
    inputIds: Array.from({ length: 5 }, (_, t) => (7 * i + 3 * t) % 24),
  }));
  const outputDir = mkdtempSync(join(tmpdir(), 'tunebook-nosync-'));
  try {
    const { result, refused } = await withoutSyncReads(() =>
      train(model, data, {
        maxSteps: 2,
        batchSize: 4,
        gradientAccumulationSteps: 2,
        maxGradNorm: 0.5,
        learningRate: 1e-2,
        evalData: data.slice(0, 4),
        evalStrategy: 'steps',
        evalSteps: 2,
        outputDir,
        saveSteps: 2,
        progress: false,
      }),
    );
    assert.deepEqual(refused, []);
    assert.equal(result.steps, 2);
    assert.ok(
      result.history.every((h) => Number.isFinite(h.loss) && h.gradNorm! > 0),
      JSON.stringify(result.history),
    );
    assert.ok(
      readdirSync(outputDir).some((d) => d.startsWith('checkpoint-')),
      'a checkpoint was written',
    );
    assert.equal(trainingStats(model)?.steps, 2);
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
    model.dispose();
  }
});

test('trainImageClassifier and evaluateImageClassifier read back only asynchronously', async () => {
  const model = await load('tunebook/tiny-vit', { id2label: { 0: 'high', 1: 'low' } });
  const data = (
    await ImageDataset.fromFolder(join(DIGITS, 'train'), { preprocessor: model.preprocessorConfig, seed: 1 })
  ).split(0.5, 2)[0];
  const { result, refused } = await withoutSyncReads(async () => {
    const run = await trainImageClassifier(model, data, {
      epochs: 1,
      batchSize: 8,
      learningRate: 1e-3,
      progress: false,
      seed: 5,
    });
    return { run, evaluation: await evaluateImageClassifier(model, data) };
  });
  model.dispose();
  assert.deepEqual(refused, []);
  assert.equal(result.run.status, 'completed');
  assert.ok(Number.isFinite(result.run.epochs[0].loss) && result.run.epochs[0].trainAccuracy >= 0);
  assert.ok(Number.isFinite(result.evaluation!.loss));
});

test('rewardModel, dpo and ppo read back only asynchronously', async () => {
  const { result, refused } = await withoutSyncReads(async () => {
    const rm = await rewardModel(await load(TINY_GPT2_DIR), pairs, {
      pooling: 'mean',
      epochs: 1,
      batchSize: 2,
      heldOut: 0.25,
      seed: 1,
      progress: false,
    });
    const policy = await load(TINY_GPT2_DIR);
    const dpoResult = await dpo(policy, pairs, { epochs: 1, batchSize: 2, seed: 3, progress: false, heldOut: 0.25 });
    const ppoResult = await ppo(policy, rm, ['The ship', 'A cat'], {
      iterations: 1,
      batchSize: 2,
      miniBatchSize: 1,
      ppoEpochs: 1,
      maxNewTokens: 3,
      seed: 4,
      progress: false,
    });
    const scores = await rm.scoreManyAsync([{ prompt: 'A cat', completion: ' sat on the mat' }]);
    rm.dispose();
    policy.dispose();
    return { rm: rm.report, dpoResult, ppoResult, scores };
  });
  assert.deepEqual(refused, []);
  assert.ok(result.rm.losses.length > 0 && result.rm.losses.every(Number.isFinite));
  assert.ok(result.rm.heldOutAccuracy >= 0 && result.rm.heldOutAccuracy <= 1);
  assert.ok(
    result.dpoResult.log.length > 0 &&
      result.dpoResult.log.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.margin)),
  );
  assert.ok(Number.isFinite(result.dpoResult.heldOut!.accuracy));
  assert.equal(result.ppoResult.log.length, 1);
  assert.ok(Number.isFinite(result.ppoResult.log[0].policyLoss) && Number.isFinite(result.ppoResult.log[0].valueLoss));
  assert.ok(Number.isFinite(result.scores[0]));
});

test('few-shot label scoring reads back only asynchronously', async () => {
  const model = await load(TINY_GPT2_DIR);
  const examples = [
    { text: 'good fun', label: 'pos' },
    { text: 'bad film', label: 'neg' },
    { text: 'great day', label: 'pos' },
    { text: 'awful food', label: 'neg' },
  ];
  const { result, refused } = await withoutSyncReads(() =>
    fewShotClassify(model, {
      train: examples,
      dev: examples.slice(0, 2),
      template: 'q {text} ans {label}',
      k: 2,
      seed: 5,
      verbalizers: { pos: 'yes', neg: 'no' },
    }),
  );
  model.dispose();
  assert.deepEqual(refused, []);
  assert.equal(result.n, 2);
});
