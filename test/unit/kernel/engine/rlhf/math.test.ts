// RLHF math against hand-computed examples (derivations in the comments; tolerance 1e-6 unless stated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useTestBackend } from '../models/testBackend';
import { gae, whiten } from '../../../../../kernel/engine/rlhf/advantages';
import {
  bradleyTerryLoss,
  clippedSurrogate,
  clippedValueLoss,
  dpoLoss,
} from '../../../../../kernel/engine/rlhf/losses';
import { KlController } from '../../../../../kernel/engine/rlhf/klController';

const close = (actual: number, expected: number, tol = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected} (tol ${tol})`);
const value = (t: tf.Tensor) => t.dataSync()[0];

test.before(async () => {
  await useTestBackend();
});

test('GAE matches a hand-computed three-step example', () => {
  // γ = 0.9, λ = 0.8, V after the end = 0.
  // δ2 = 2 + 0 − 1.5 = 0.5;  δ1 = 0 + 0.9·1.5 − 1 = 0.35;  δ0 = 1 + 0.9·1 − 0.5 = 1.4
  // A2 = 0.5;  A1 = 0.35 + 0.72·0.5 = 0.71;  A0 = 1.4 + 0.72·0.71 = 1.9112;  R = A + V
  const { advantages, returns } = gae([1, 0, 2], [0.5, 1, 1.5], 0.9, 0.8);
  [1.9112, 0.71, 0.5].forEach((a, i) => close(advantages[i], a, 1e-12));
  [2.4112, 1.71, 2.0].forEach((r, i) => close(returns[i], r, 1e-12));
});

test('GAE with λ = 1, γ = 1 is the reward-to-go minus the value', () => {
  const { advantages } = gae([0, 0, 3], [1, 2, 0], 1, 1);
  assert.deepEqual(
    advantages.map((a) => Math.round(a * 1e9) / 1e9),
    [2, 1, 3],
  );
  assert.throws(() => gae([1], [1, 2], 1, 1), /1 rewards but 2 values/);
});

test('whiten gives zero mean and unit (population) variance', () => {
  const w = whiten([1, 2, 3]); // mean 2, var 2/3 → ±1/sqrt(2/3) = ±1.2247449
  close(w[0], -1.2247449, 1e-6);
  close(w[1], 0, 1e-12);
  close(w[2], 1.2247449, 1e-6);
});

test('clipped surrogate and clip fraction match hand-computed values; masked tokens are ignored', () => {
  // ratios 1.5, 0.5, 0.5, 1.1 (old log-prob −1); advantages 2, 1, −1, −2; ε = 0.2
  // min terms: min(3, 2.4) = 2.4 (cut), min(0.5, 0.8) = 0.5, min(−0.5, −0.8) = −0.8 (cut), min(−2.2, −2.2) = −2.2
  // loss = −(2.4 + 0.5 − 0.8 − 2.2) / 4 = 0.025; clip fraction 2/4
  const ratios = [1.5, 0.5, 0.5, 1.1, 3];
  const logp = tf.tensor2d([ratios.map((r) => Math.log(r) - 1)]);
  const old = tf.tensor2d([[-1, -1, -1, -1, -1]]);
  const adv = tf.tensor2d([[2, 1, -1, -2, 100]]);
  const mask = tf.tensor2d([[1, 1, 1, 1, 0]]);
  const out = clippedSurrogate(logp, old, adv, mask, 0.2);
  close(value(out.loss), 0.025, 1e-6);
  close(value(out.clipFraction), 0.5, 1e-7);
  tf.dispose([logp, old, adv, mask, out.loss, out.clipFraction]);
});

test('clipped surrogate gradient is zero where the ratio is clipped', () => {
  const old = tf.tensor2d([[0, 0]]);
  const adv = tf.tensor2d([[1, 1]]);
  const mask = tf.tensor2d([[1, 1]]);
  const logp = tf.variable(tf.tensor2d([[Math.log(1.5), Math.log(1.1)]]));
  const g = tf.grad((x: tf.Tensor) => clippedSurrogate(x, old, adv, mask, 0.2).loss)(logp);
  const grads = g.dataSync();
  close(grads[0], 0, 1e-9); // clipped: no gradient
  close(grads[1], -1.1 / 2, 1e-6); // d/dx of −exp(x)·1/2 at x = log 1.1
  tf.dispose([old, adv, mask, logp, g]);
});

test('clipped value loss takes the worse of the clipped and unclipped errors', () => {
  // V = 2, V_old = 1, R = 3, clip 0.5 → clipped V = 1.5; max((2−3)², (1.5−3)²) = 2.25; ½·2.25 = 1.125
  // second token: V = 1, V_old = 1, R = 0 → max(1, 1) = 1 → 0.5; mean = 0.8125
  const loss = clippedValueLoss(
    tf.tensor2d([[2, 1]]),
    tf.tensor2d([[1, 1]]),
    tf.tensor2d([[3, 0]]),
    tf.tensor2d([[1, 1]]),
    0.5,
  );
  close(value(loss), 0.8125, 1e-6);
});

test('DPO sigmoid loss, implicit rewards and Bradley–Terry loss match hand-computed values', () => {
  // β = 0.5. Pair 1: rewards 0.5·(−3+4) = 0.5, 0.5·(−5+4) = −0.5 → −log σ(1) = log(1 + e^−1)
  // Pair 2: rewards 0.5·(−2+2) = 0, 0.5·(−1+2) = 0.5 → −log σ(−0.5) = log(1 + e^0.5)
  const parts = dpoLoss(
    tf.tensor1d([-3, -2]),
    tf.tensor1d([-5, -1]),
    tf.tensor1d([-4, -2]),
    tf.tensor1d([-4, -2]),
    0.5,
  );
  close(value(parts.loss), (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(0.5))) / 2, 1e-6);
  assert.deepEqual(Array.from(parts.chosenRewards.dataSync()), [0.5, 0]);
  assert.deepEqual(Array.from(parts.rejectedRewards.dataSync()), [-0.5, 0.5]);
  // Bradley–Terry: r_c = [2, 0], r_r = [1, 1] → (log(1 + e^−1) + log(1 + e^1)) / 2
  const bt = bradleyTerryLoss(tf.tensor1d([2, 0]), tf.tensor1d([1, 1]));
  close(value(bt), (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(1))) / 2, 1e-6);
});

test('KL controller: fixed stays, adaptive moves by the clipped proportional error', () => {
  const fixed = new KlController({ kind: 'fixed', coef: 0.3 });
  fixed.update(100, 8);
  assert.equal(fixed.value, 0.3);
  const adaptive = new KlController({ kind: 'adaptive', coef: 1, target: 1, horizon: 10 });
  adaptive.update(2, 5); // error clip(2/1 − 1) = 0.2 → ×(1 + 0.2·5/10) = 1.1
  close(adaptive.value, 1.1, 1e-12);
  adaptive.update(0.95, 10); // error −0.05 → ×(1 − 0.05) = 0.95
  close(adaptive.value, 1.1 * 0.95, 1e-12);
  assert.throws(() => new KlController({ kind: 'fixed', coef: -1 }), /KL coefficient/);
});

test('the losses leave no tensors behind', () => {
  const before = tf.memory().numTensors;
  const a = tf.tensor1d([1, 2]);
  const b = tf.tensor1d([0, 1]);
  const l = tf.tidy(() => tf.add(bradleyTerryLoss(a, b), dpoLoss(a, b, b, a, 0.1).loss));
  tf.dispose([a, b, l]);
  assert.equal(tf.memory().numTensors, before);
});

test('the value head reads hidden states through a stop-gradient and frees its variables', async () => {
  const { ValueHead } = await import('../../../../../kernel/engine/rlhf/valueHead');
  const before = tf.memory().numTensors;
  const head = new ValueHead(3);
  const hidden = tf.tidy(() => tf.variable(tf.ones([1, 2, 3])));
  const { value: loss, grads } = tf.variableGrads(
    () => tf.sum(head.forward(hidden as unknown as tf.Tensor3D)) as tf.Scalar,
    [hidden, head.bias],
  );
  assert.deepEqual(Array.from(grads[hidden.name].dataSync()), [0, 0, 0, 0, 0, 0]); // no gradient into the policy
  close(grads[head.bias.name].dataSync()[0], 2, 1e-9); // d/db of Σ over two positions
  tf.dispose([loss, ...Object.values(grads)]);
  hidden.dispose();
  head.dispose();
  assert.equal(tf.memory().numTensors, before);
});
