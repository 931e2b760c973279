// The trainer's arithmetic against PyTorch (fixtures/make_trainer_golden.py): loss sums with ignore_index and
// the next-token shift, global-norm clipping, and two complete small runs (accumulation windows, warmup +
// linear / cosine schedules, AdamW without decay on biases, clipping on / off) compared step by step.
// Tolerances: float32 arithmetic here vs PyTorch's float32 — 1e-5 relative on losses, 1e-4 on weights.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { causalLmLossSum, classificationLossSum, countLmTargets } from '../../../../../kernel/engine/train/loss';
import { clipByGlobalNorm } from '../../../../../kernel/engine/train/gradients';
import { train } from '../../../../../kernel/engine/train/trainer';
import { useTestBackend } from '../models/testBackend';
import { BagClassifier, goldenTensor, maxAbsDiff, TokenLm, trainerGolden, type GoldenRun } from './trainerFakes';

before(useTestBackend);
const golden = trainerGolden();

function close(actual: number, expected: number, relTol: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= relTol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

test('causal LM loss: shifted next-token cross-entropy, ignore_index -100 skipped', () => {
  const g = golden.losses.lm;
  const sum = tf.tidy(() => causalLmLossSum(goldenTensor(g.logits), g.labels).dataSync()[0]);
  close(sum, g.sum, 1e-5, 'lm loss sum');
  assert.equal(countLmTargets(g.labels), g.count);
});

test('classification loss: summed cross-entropy', () => {
  const g = golden.losses.classification;
  const sum = tf.tidy(() => classificationLossSum(goldenTensor(g.logits), g.labels).dataSync()[0]);
  close(sum, g.sum, 1e-5, 'classification loss sum');
  assert.throws(() => tf.tidy(() => classificationLossSum(goldenTensor(g.logits), [0, 1, 3, 0])), /label 3/);
});

test('gradient clipping matches torch.nn.utils.clip_grad_norm_', () => {
  const g = golden.clip;
  const grads: tf.NamedTensorMap = {};
  g.grads.forEach(
    (t: { shape: number[]; values: number[] }, i: number) => (grads[`g${i}`] = tf.tensor(t.values, t.shape)),
  );
  const norm = clipByGlobalNorm(grads, g.max_norm);
  close(norm, g.norm, 1e-5, 'norm');
  g.clipped.forEach((values: number[], i: number) =>
    assert.ok(maxAbsDiff(grads[`g${i}`].dataSync(), values) < 1e-6, `clipped grad ${i}`),
  );
  tf.dispose(Object.values(grads));
});

for (const run of golden.runs as GoldenRun[]) {
  test(`${run.kind} run: losses, learning rates, grad norms and final weights match PyTorch`, async () => {
    const o = run.options;
    const model =
      run.kind === 'classification'
        ? new BagClassifier({ vocab_size: 10, pad_token_id: 0 }, run.init)
        : new TokenLm({ vocab_size: 8 }, run.init);
    const before = tf.memory().numTensors;
    const result = await train(model, run.examples, {
      batchSize: o.batchSize,
      gradientAccumulationSteps: o.gradientAccumulationSteps,
      epochs: o.epochs,
      learningRate: o.learningRate,
      schedule: o.schedule,
      warmupSteps: o.warmupSteps,
      weightDecay: o.weightDecay,
      maxGradNorm: o.maxGradNorm,
      shuffle: false,
      progress: false,
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.task, run.kind);
    assert.equal(result.history.length, run.log.length);
    result.history.forEach((entry, i) => {
      const want = run.log[i];
      assert.equal(entry.step, want.step);
      close(entry.loss, want.loss, 1e-5, `step ${want.step} loss`);
      close(entry.learningRate, want.learningRate, 1e-12, `step ${want.step} lr`);
      close(entry.gradNorm, want.gradNorm, 1e-4, `step ${want.step} grad norm`);
    });
    for (const [name, values] of Object.entries(run.final)) {
      const diff = maxAbsDiff(model.params.get(name)!.dataSync(), values);
      assert.ok(diff < 1e-4, `${name} differs from PyTorch by ${diff}`);
    }
    assert.equal(tf.memory().numTensors, before, 'tensors leaked by train()');
    assert.equal(
      result.totalParams,
      Object.values(run.init).reduce((n, t) => n + t.values.length, 0),
    );
    model.dispose();
  });
}
