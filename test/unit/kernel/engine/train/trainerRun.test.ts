// Run control: kernel interrupt (between steps, and mid accumulation window), live progress through the
// kernel bridge, checkpoints with an exact resume, checkpoint pruning, and early stopping.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import {
  KERNEL_BRIDGE_KEY,
  DISPLAY_SYMBOL,
  type KernelBridge,
} from '../../../../../kernel/engine/runtime/kernelBridge';
import { train } from '../../../../../kernel/engine/train/trainer';
import { loadCheckpoint } from '../../../../../kernel/engine/train/checkpoint';
import { useTestBackend } from '../models/testBackend';
import { snapshot, TINY_GPT2, withForwardHook } from './trainerFakes';

before(useTestBackend);
const scratch = mkdtempSync(join(tmpdir(), 'tunebook-trainer-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const lmData = Array.from({ length: 12 }, (_, i) => ({
  inputIds: Array.from({ length: 5 }, (_, t) => (7 * i + 3 * t) % 24),
}));
const dropoutConfig = { ...TINY_GPT2, resid_pdrop: 0.1, embd_pdrop: 0.1, attn_pdrop: 0.1 };

/** Installs a fake kernel bridge for one test: an abort signal and a display that records html updates. */
function fakeKernel() {
  const controller = new AbortController();
  const drawn: string[] = [];
  const handle = (html: string) => {
    drawn.push(html);
    return { outputId: 'out-1', update: (next: unknown) => void drawn.push(String(next)) };
  };
  const display = Object.assign(() => handle(''), {
    html: handle,
    markdown: handle,
    json: handle,
    table: handle,
    image: handle,
  });
  (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] = {
    currentSignal: () => controller.signal,
    display,
  } as unknown as KernelBridge;
  return { controller, drawn, remove: () => delete (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] };
}

test('a kernel interrupt stops at the next step: model kept, history so far, interrupted: true', async () => {
  const kernel = fakeKernel();
  try {
    const inner = create(TINY_GPT2, { seed: 1 });
    const initial = await snapshot(inner);
    // forward 1 is the trainer's shape check; forwards 2..4 are steps 1..3; interrupt during step 3
    const model = withForwardHook(inner, (call) => call === 4 && kernel.controller.abort());
    const before = tf.memory().numTensors;
    const result = await train(model, lmData, { maxSteps: 10, batchSize: 4, learningRate: 1e-2 });
    assert.equal(result.interrupted, true);
    assert.equal(result.status, 'interrupted');
    assert.equal(result.steps, 3);
    assert.deepEqual(
      result.history.map((h) => h.step),
      [1, 2, 3],
    );
    assert.notDeepEqual(await snapshot(inner), initial);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(kernel.drawn.length >= 2, 'the progress output was drawn and updated');
    assert.match(kernel.drawn.at(-1)!, /interrupted/);
    assert.match(kernel.drawn.at(-1)!, /step 3\/10/);
    const summary = (result as unknown as Record<symbol, () => { mime: string; data: string }[]>)[DISPLAY_SYMBOL]();
    assert.match(summary[0].data, /Training interrupted/);
    inner.dispose();
  } finally {
    kernel.remove();
  }
});

test('an interrupt inside an accumulation window applies nothing from that window', async () => {
  const controller = new AbortController();
  const inner = create(TINY_GPT2, { seed: 1 });
  const initial = await snapshot(inner);
  // forward 1: shape check; forward 2: first micro-batch of step 1 → abort before the second
  const model = withForwardHook(inner, (call) => call === 2 && controller.abort());
  const result = await train(model, lmData, {
    maxSteps: 2,
    batchSize: 2,
    gradientAccumulationSteps: 2,
    signal: controller.signal,
    progress: false,
  });
  assert.equal(result.steps, 0);
  assert.equal(result.interrupted, true);
  assert.deepEqual(await snapshot(inner), initial);
  inner.dispose();
});

test('resuming from a checkpoint reproduces the uninterrupted run exactly (weights, optimizer, step, RNG)', async () => {
  const outputDir = join(scratch, 'resume');
  const full = create(dropoutConfig, { seed: 9 });
  const fullRun = await train(full, lmData, {
    epochs: 2,
    batchSize: 4,
    learningRate: 1e-2,
    warmupSteps: 2,
    outputDir,
    saveSteps: 2,
    seed: 5,
    progress: false,
  });
  assert.equal(fullRun.steps, 6);
  assert.deepEqual(
    fullRun.checkpoints.map((c) => c.split('/').at(-1)),
    ['checkpoint-2', 'checkpoint-4', 'checkpoint-6'],
  );
  const saved = await loadCheckpoint(join(outputDir, 'checkpoint-4'));
  assert.equal(saved.trainerState.step, 4);
  assert.equal(saved.optimizer?.step, 4);
  assert.ok(saved.optimizer?.slots.get('transformer.h.0.attn.c_attn.weight')?.exp_avg_sq);

  const resumed = create(dropoutConfig, { seed: 9 });
  const resumedRun = await train(resumed, lmData, {
    epochs: 2,
    batchSize: 4,
    learningRate: 1e-2,
    warmupSteps: 2,
    resumeFromCheckpoint: join(outputDir, 'checkpoint-4'),
    seed: 5,
    progress: false,
  });
  assert.equal(resumedRun.resumedFrom, join(outputDir, 'checkpoint-4'));
  assert.deepEqual(
    resumedRun.history.map((h) => h.loss),
    fullRun.history.map((h) => h.loss),
  );
  assert.deepEqual(await snapshot(resumed), await snapshot(full));
  full.dispose();
  resumed.dispose();
});

test('resumeFromCheckpoint: true picks the latest checkpoint; a mismatched model is refused unchanged', async () => {
  const outputDir = join(scratch, 'latest');
  const model = create(TINY_GPT2, { seed: 2 });
  await train(model, lmData, {
    maxSteps: 3,
    batchSize: 4,
    outputDir,
    saveSteps: 1,
    saveTotalLimit: 2,
    progress: false,
  });
  assert.deepEqual(readdirSync(outputDir).sort(), ['checkpoint-2', 'checkpoint-3']);
  const again = await train(model, lmData, {
    maxSteps: 4,
    batchSize: 4,
    outputDir,
    resumeFromCheckpoint: true,
    progress: false,
  });
  assert.equal(again.resumedFrom, join(outputDir, 'checkpoint-3'));
  assert.equal(again.history.at(-1)!.step, 4);

  const other = create({ ...TINY_GPT2, n_layer: 1 }, { seed: 2 });
  const before = await snapshot(other);
  await assert.rejects(
    train(other, lmData, { maxSteps: 4, outputDir, resumeFromCheckpoint: true, progress: false }),
    /different model/,
  );
  assert.deepEqual(await snapshot(other), before);
  model.dispose();
  other.dispose();
});

test('early stopping after `patience` evaluations without improvement', async () => {
  const model = create(TINY_GPT2, { seed: 3 });
  // learning rate 0: eval loss never improves after the first evaluation
  const result = await train(model, lmData, {
    maxSteps: 10,
    batchSize: 4,
    learningRate: 0,
    evalData: lmData.slice(0, 4),
    evalSteps: 1,
    earlyStoppingPatience: 2,
    progress: false,
  });
  assert.equal(result.status, 'early-stopped');
  assert.equal(result.steps, 3);
  assert.equal(result.evalHistory.length, 3);
  assert.equal(result.bestMetric?.step, 1);
  model.dispose();
});
