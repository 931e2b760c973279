// trainingStats(model) after train(): frozen parameters unchanged with zero gradient, trained ones moved, and
// the numbers equal a direct computation from weight snapshots and the trainer's own logged gradient norm.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { train } from '../../../../../kernel/engine/train/trainer';
import { trainingStats } from '../../../../../kernel/engine/train/trainingStats';
import { freeze, unfreeze } from '../../../../../kernel/engine/tuners/freeze';
import { trainingStats as exported } from '../../../../../kernel/engine/index';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from './trainerFakes';

before(useTestBackend);

const lmData = Array.from({ length: 8 }, (_, i) => ({
  inputIds: Array.from({ length: 4 + (i % 3) }, (_, t) => (3 * i + 5 * t) % 24),
}));
const FROZEN = 'transformer.h.0.';

function weights(model: ReturnType<typeof create>): Map<string, Float32Array> {
  return new Map([...model.params].map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));
}

function l2(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

test('no statistics before training; exported from the engine', () => {
  const model = create(TINY_GPT2, { seed: 1 });
  assert.equal(trainingStats(model), undefined);
  assert.equal(exported, trainingStats);
  model.dispose();
});

test('first block frozen: its parameters have zero change and gradient, the rest moved; change equals ‖ΔW‖/‖W‖', async () => {
  const model = create(TINY_GPT2, { seed: 5 });
  freeze(model, 'transformer.h.0');
  const start = weights(model);
  const tensorsBefore = tf.memory().numTensors;
  const result = await train(model, lmData, {
    maxSteps: 3,
    batchSize: 4,
    learningRate: 1e-2,
    seed: 0,
    progress: false,
  });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'the start snapshots were disposed');
  const end = weights(model);
  const stats = trainingStats(model)!;
  assert.equal(stats.steps, result.steps);
  assert.deepEqual([...stats.params.keys()].sort(), [...model.params.keys()].sort());
  let frozen = 0;
  for (const [name, s] of stats.params) {
    const a = start.get(name)!;
    const b = end.get(name)!;
    const delta = l2(a.map((x, i) => b[i] - x));
    const startNorm = l2(a);
    // float32 norms computed by tfjs vs float64 here: relative tolerance 1e-4
    assert.ok(Math.abs(s.deltaNorm - delta) <= 1e-4 * Math.max(delta, 1e-6), `${name}: ΔW ${s.deltaNorm} vs ${delta}`);
    assert.ok(
      Math.abs(s.startNorm - startNorm) <= 1e-4 * Math.max(startNorm, 1e-6),
      `${name}: ‖W‖ ${s.startNorm} vs ${startNorm}`,
    );
    if (startNorm > 0)
      assert.ok(Math.abs(s.weightChange - delta / startNorm) <= 1e-4 * (delta / startNorm) + 1e-9, `${name}: change`);
    if (name.startsWith(FROZEN)) {
      frozen++;
      assert.equal(s.deltaNorm, 0, `${name} is frozen`);
      assert.equal(s.weightChange, 0);
      assert.equal(s.gradNorm, 0);
    } else {
      assert.ok(s.weightChange > 0, `${name} should have moved`);
      assert.ok(s.gradNorm > 0, `${name} should have a gradient`);
    }
  }
  assert.ok(frozen >= 4, `expected the frozen block's parameters, got ${frozen}`);
  model.dispose();
});

test('one step, no clipping: per-parameter gradient norms combine to the global norm the trainer logged', async () => {
  const model = create(TINY_GPT2, { seed: 6 });
  freeze(model, 'transformer.h.0');
  const result = await train(model, lmData.slice(0, 4), {
    maxSteps: 1,
    batchSize: 4,
    learningRate: 1e-3,
    seed: 0,
    progress: false,
    maxGradNorm: 0,
  });
  const stats = trainingStats(model)!;
  const combined = Math.sqrt([...stats.params.values()].reduce((sum, s) => sum + s.gradNorm ** 2, 0));
  const logged = result.history[0].gradNorm;
  assert.ok(logged > 0);
  assert.ok(Math.abs(combined - logged) <= 1e-4 * logged, `combined ${combined} vs logged ${logged}`);
  model.dispose();
});

test('a second run replaces the statistics of the first', async () => {
  const model = create(TINY_GPT2, { seed: 7 });
  await train(model, lmData, { maxSteps: 2, batchSize: 4, seed: 0, progress: false });
  const first = trainingStats(model)!;
  freeze(model, '**');
  const onlyTrained = [...model.params.keys()][0];
  unfreeze(model, onlyTrained);
  await train(model, lmData, { maxSteps: 1, batchSize: 4, seed: 0, progress: false });
  const second = trainingStats(model)!;
  assert.notEqual(second, first);
  assert.equal(second.steps, 1);
  for (const [name, s] of second.params) assert.equal(s.weightChange > 0, name === onlyTrained, name);
  model.dispose();
});

test('a run interrupted before its first step records zero steps and zero change, and leaks nothing', async () => {
  const model = create(TINY_GPT2, { seed: 8 });
  const tensorsBefore = tf.memory().numTensors;
  const controller = new AbortController();
  controller.abort();
  const result = await train(model, lmData, {
    maxSteps: 2,
    batchSize: 4,
    seed: 0,
    progress: false,
    signal: controller.signal,
  });
  assert.equal(result.interrupted, true);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  const stats = trainingStats(model)!;
  assert.equal(stats.steps, 0);
  for (const [name, s] of stats.params) assert.deepEqual([s.gradNorm, s.weightChange, s.deltaNorm], [0, 0, 0], name);
  model.dispose();
});
