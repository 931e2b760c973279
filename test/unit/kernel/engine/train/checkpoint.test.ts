import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  checkpointDirName,
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  pruneCheckpoints,
  saveCheckpoint,
  TRAINER_STATE_FILE,
  type TrainerState,
  type TrainingCheckpoint,
} from '../../../../../kernel/engine/train/checkpoint';
import { Rng } from '../../../../../kernel/engine/train/rng';
import { TrainingCheckpointError } from '../../../../../kernel/engine/train/trainingCheckpointError';

const root = mkdtempSync(join(tmpdir(), 'tunebook-ckpt-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `run-${++counter}`, 'checkpoint-10');

function state(step: number, rng = Rng.fromSeed(step)): TrainerState {
  return {
    step,
    epoch: step / 4,
    rng: rng.getState(),
    schedule: { kind: 'cosine', learningRate: 5e-5, warmupSteps: 2, totalSteps: 40, numCycles: 0.5 },
    bestMetric: { name: 'eval_loss', value: 0.25, step, greaterIsBetter: false },
    logHistory: [{ step, loss: 1.5, learning_rate: 4e-5 }],
  };
}

function simpleCheckpoint(step: number, fill: number): TrainingCheckpoint {
  return {
    weights: new Map([['w', { dtype: 'F32', shape: [3], data: new Float32Array([fill, fill, fill]) }]]),
    trainerState: state(step),
  };
}

test('weights, AdamW moments, trainer state and extra files round-trip', async () => {
  await tf.ready();
  const dir = freshDir();
  const rng = Rng.fromSeed(123);
  rng.nextUint32();
  const weight = tf.variable(
    tf.tensor2d([
      [1.5, -2],
      [3.25, 4],
    ]),
    true,
    'transformer.h.0.attn.c_attn.weight',
  );
  const bias = tf.tensor1d([0.5, -0.5]);
  const expAvg = tf.tensor2d([
    [0.1, 0.2],
    [0.3, 0.4],
  ]);
  const expAvgSq = tf.tensor2d([
    [0.01, 0.02],
    [0.03, 0.04],
  ]);
  await saveCheckpoint(dir, {
    weights: new Map<string, tf.Tensor | { dtype: 'I32'; shape: number[]; data: Int32Array }>([
      ['transformer.h.0.attn.c_attn.weight', weight],
      ['transformer.h.0.attn.c_attn.bias', bias],
      ['position_ids', { dtype: 'I32', shape: [3], data: new Int32Array([0, 1, 2]) }],
    ]),
    optimizer: {
      name: 'adamw',
      step: 7,
      hyperparameters: { learningRate: 5e-5, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
      slots: new Map([['transformer.h.0.attn.c_attn.weight', { exp_avg: expAvg, exp_avg_sq: expAvgSq }]]),
    },
    trainerState: state(7, rng),
    extraFiles: { 'config.json': { model_type: 'gpt2', n_layer: 1 } },
  });
  tf.dispose([weight, bias, expAvg, expAvgSq]);

  const loaded = await loadCheckpoint(dir);
  assert.deepEqual([...loaded.weights.keys()].sort(), [
    'position_ids',
    'transformer.h.0.attn.c_attn.bias',
    'transformer.h.0.attn.c_attn.weight',
  ]);
  const w = loaded.weights.get('transformer.h.0.attn.c_attn.weight');
  assert.equal(w?.dtype, 'F32');
  assert.deepEqual(w?.shape, [2, 2]);
  assert.deepEqual(Array.from(w?.data as Float32Array), [1.5, -2, 3.25, 4]);
  assert.deepEqual(Array.from(loaded.weights.get('position_ids')?.data as Int32Array), [0, 1, 2]);
  assert.equal(loaded.optimizer?.name, 'adamw');
  assert.equal(loaded.optimizer?.step, 7);
  assert.deepEqual(loaded.optimizer?.hyperparameters, {
    learningRate: 5e-5,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0.01,
  });
  const slots = loaded.optimizer?.slots.get('transformer.h.0.attn.c_attn.weight');
  assert.deepEqual(Array.from(slots?.exp_avg.data as Float32Array), Array.from(new Float32Array([0.1, 0.2, 0.3, 0.4])));
  assert.deepEqual(
    Array.from(slots?.exp_avg_sq.data as Float32Array),
    Array.from(new Float32Array([0.01, 0.02, 0.03, 0.04])),
  );
  assert.deepEqual(loaded.trainerState, state(7, rng));
  const resumed = Rng.fromState(loaded.trainerState.rng);
  assert.equal(resumed.nextUint32(), rng.nextUint32());
  assert.ok(existsSync(join(dir, 'config.json')));
});

test('saving over an existing checkpoint replaces it and leaves no temporary folders', async () => {
  const dir = freshDir();
  await saveCheckpoint(dir, simpleCheckpoint(10, 1));
  await saveCheckpoint(dir, simpleCheckpoint(11, 2));
  const loaded = await loadCheckpoint(dir);
  assert.equal(loaded.trainerState.step, 11);
  assert.deepEqual(Array.from(loaded.weights.get('w')?.data as Float32Array), [2, 2, 2]);
  assert.deepEqual(readdirSync(join(dir, '..')), ['checkpoint-10']);
});

test('a save that fails part-way keeps the previous checkpoint and cleans up', async () => {
  const dir = freshDir();
  await saveCheckpoint(dir, simpleCheckpoint(10, 1));
  const bad: TrainingCheckpoint = {
    ...simpleCheckpoint(11, 2),
    optimizer: {
      name: 'adamw',
      step: 1,
      slots: new Map([['w', { 'exp.avg': { dtype: 'F32', shape: [1], data: new Float32Array([1]) } }]]),
    },
  };
  await assert.rejects(
    saveCheckpoint(dir, bad),
    (e: unknown) => e instanceof TrainingCheckpointError && /slot name "exp.avg"/.test(e.message),
  );
  assert.equal((await loadCheckpoint(dir)).trainerState.step, 10);
  assert.deepEqual(readdirSync(join(dir, '..')), ['checkpoint-10']);
});

for (const stage of ['written', 'movedAside'] as const) {
  test(`a process killed (SIGKILL) at save stage "${stage}" never corrupts the previous checkpoint`, async () => {
    const dir = freshDir();
    await saveCheckpoint(dir, simpleCheckpoint(10, 1));
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fixtures', 'crashDuringSave.ts'), dir, stage],
      { encoding: 'utf8' },
    );
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    const leftovers = readdirSync(join(dir, '..'));
    assert.ok(
      leftovers.some((name) => name.includes('.tmp-') || name.includes('.old-')),
      `the crash left its temporary folder: ${leftovers}`,
    );
    if (stage === 'movedAside') assert.ok(!existsSync(dir), 'the crash happened between the two renames');

    const loaded = await loadCheckpoint(dir);
    assert.equal(loaded.trainerState.step, 10);
    assert.deepEqual(Array.from(loaded.weights.get('w')?.data as Float32Array), [1, 1, 1]);
    assert.deepEqual(readdirSync(join(dir, '..')), ['checkpoint-10'], 'recovery removed the dead process leftovers');
    await saveCheckpoint(dir, simpleCheckpoint(12, 3));
    assert.equal((await loadCheckpoint(dir)).trainerState.step, 12);
  });
}

test('a killed first save leaves no checkpoint folder, so resume finds none', async () => {
  const dir = freshDir();
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'crashDuringSave.ts'), dir, 'written'],
    { encoding: 'utf8' },
  );
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.equal(await latestCheckpoint(join(dir, '..')), undefined);
  await assert.rejects(
    loadCheckpoint(dir),
    (e: unknown) => e instanceof TrainingCheckpointError && /not a complete training checkpoint/.test(e.message),
  );
});

test('a malformed trainer_state.json is reported with the file and the field', async () => {
  const dir = freshDir();
  await saveCheckpoint(dir, simpleCheckpoint(10, 1));
  const statePath = join(dir, TRAINER_STATE_FILE);
  writeFileSync(statePath, '{"step": 3, ');
  await assert.rejects(
    loadCheckpoint(dir),
    (e: unknown) =>
      e instanceof TrainingCheckpointError && e.message.includes(statePath) && /invalid JSON/.test(e.message),
  );
  writeFileSync(statePath, JSON.stringify({ ...state(3), step: -1 }));
  await assert.rejects(loadCheckpoint(dir), /"step" must be an integer >= 0, got -1/);
  writeFileSync(statePath, JSON.stringify({ ...state(3), rng: { algorithm: 'xoshiro128**', state: [0, 0, 0, 0] } }));
  await assert.rejects(loadCheckpoint(dir), /"rng": .*not all zero/);
  writeFileSync(statePath, JSON.stringify({ ...state(3), schedule: { kind: 'linear', learningRate: 1 } }));
  await assert.rejects(loadCheckpoint(dir), /"schedule": .*needs totalSteps/);
  await assert.rejects(
    saveCheckpoint(dir, { ...simpleCheckpoint(1, 1), trainerState: { ...state(1), epoch: -2 } }),
    /"epoch" must be a number >= 0/,
  );
});

test('listCheckpoints, latestCheckpoint and pruneCheckpoints see only complete checkpoint-N folders', async () => {
  const out = join(root, 'prune');
  for (const step of [5, 10, 20, 100])
    await saveCheckpoint(join(out, checkpointDirName(step)), simpleCheckpoint(step, step));
  await saveCheckpoint(join(out, 'best'), simpleCheckpoint(20, 20));
  rmSync(join(out, 'checkpoint-100', TRAINER_STATE_FILE));
  assert.deepEqual(
    (await listCheckpoints(out)).map((c) => c.step),
    [5, 10, 20],
  );
  assert.equal(await latestCheckpoint(out), join(out, 'checkpoint-20'));
  const removed = await pruneCheckpoints(out, 1, [join(out, 'checkpoint-5')]);
  assert.deepEqual(removed, [join(out, 'checkpoint-10')]);
  assert.deepEqual(
    (await listCheckpoints(out)).map((c) => c.step),
    [5, 20],
  );
  assert.deepEqual(await listCheckpoints(join(root, 'does-not-exist')), []);
});
