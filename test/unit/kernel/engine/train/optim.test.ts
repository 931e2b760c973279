import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../kernel/engine/backends/ladder';
import { AdamW } from '../../../../../kernel/engine/train/optim';

interface Golden {
  shapes: Record<string, number[]>;
  hyper: { lr: number; betas: [number, number]; eps: number; weight_decay: number };
  runs: Array<{
    noDecay: 'none' | 'bias-and-norm';
    initial: Record<string, number[]>;
    steps: Array<{ grads: Record<string, number[]>; after: Record<string, number[]> }>;
  }>;
}

// Recorded from torch.optim.AdamW by fixtures/make_adamw_golden.py.
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'adamw_golden.json'), 'utf8')) as Golden;
// float32 state; our update rounds once per step where torch rounds per op: differences stay ~1e-7.
const ABS_TOL = 2e-6;
const REL_TOL = 1e-5;

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(
      err <= ABS_TOL + REL_TOL * Math.abs(expected[i]),
      `${what}[${i}]: got ${actual[i]}, torch ${expected[i]}`,
    );
  }
}

let unique = 0;

for (const backendName of ['cpu', 'wasm'] as const) {
  for (const run of golden.runs) {
    test(`AdamW matches torch.optim.AdamW for 5 steps (${backendName}, noDecay=${run.noDecay})`, async () => {
      await initBackend(backendName);
      const before = tf.memory().numTensors;
      const prefix = `adamw${unique++}/`;
      const vars = Object.entries(golden.shapes).map(([name, shape]) => {
        const initial = tf.tensor(run.initial[name], shape);
        const variable = tf.variable(initial, true, prefix + name);
        initial.dispose();
        return variable;
      });
      const opt = new AdamW({
        lr: golden.hyper.lr,
        betas: golden.hyper.betas,
        eps: golden.hyper.eps,
        weightDecay: golden.hyper.weight_decay,
        noDecay: run.noDecay,
      });
      for (const [s, step] of run.steps.entries()) {
        const grads: tf.NamedTensorMap = {};
        for (const [name, shape] of Object.entries(golden.shapes))
          grads[prefix + name] = tf.tensor(step.grads[name], shape);
        opt.applyGradients(grads);
        tf.dispose(Object.values(grads));
        for (const v of vars)
          assertClose(v.dataSync(), step.after[v.name.slice(prefix.length)], `step ${s + 1} ${v.name}`);
      }
      assert.equal(opt.step, run.steps.length);
      opt.dispose();
      tf.dispose(vars);
      assert.equal(tf.memory().numTensors, before, 'optimizer leaks no tensors');
    });
  }
}

test('AdamW state round-trips: a restored optimizer continues exactly like the original', async () => {
  await initBackend('cpu');
  const prefix = `adamw${unique++}/`;
  const run = golden.runs[0];
  const name = 'h.0.attn.c_attn.weight';
  const shape = golden.shapes[name];
  const v = tf.variable(tf.tensor(run.initial[name], shape), true, prefix + name);
  const opt = new AdamW({ lr: golden.hyper.lr, betas: golden.hyper.betas, weightDecay: golden.hyper.weight_decay });
  const apply = (o: AdamW, s: number) => {
    const g = tf.tensor(run.steps[s].grads[name], shape);
    o.applyGradients({ [v.name]: g });
    g.dispose();
  };
  apply(opt, 0);
  apply(opt, 1);
  const saved = JSON.parse(JSON.stringify(opt.state(), (_k, x) => (x instanceof Float32Array ? Array.from(x) : x)));
  saved.moments = saved.moments.map((e: { m: number[]; v: number[] }) => ({
    ...e,
    m: Float32Array.from(e.m),
    v: Float32Array.from(e.v),
  }));
  opt.dispose();
  const restored = new AdamW({ betas: golden.hyper.betas, weightDecay: golden.hyper.weight_decay });
  restored.loadState(saved);
  assert.equal(restored.step, 2);
  assert.equal(restored.learningRate, golden.hyper.lr);
  apply(restored, 2);
  assertClose(v.dataSync(), run.steps[2].after[name], 'after restore');
  restored.dispose();
  v.dispose();
});

test('AdamW rejects bad hyper-parameters, bad state and mismatched gradients', async () => {
  await initBackend('cpu');
  assert.throws(() => new AdamW({ lr: -1 }), /lr must be/);
  assert.throws(() => new AdamW({ betas: [1, 0.9] }), /betas\[0\]/);
  assert.throws(() => new AdamW({ noDecay: 'weird' as never }), /noDecay/);
  const opt = new AdamW();
  assert.throws(() => opt.loadState({ kind: 'SGD' } as never), /not an AdamW state/);
  const v = tf.variable(tf.zeros([2, 2]), true, `adamw${unique++}/w`);
  const g = tf.zeros([3]);
  assert.throws(() => opt.applyGradients({ [v.name]: g }), /shape \[3\]/);
  assert.throws(() => opt.applyGradients({ 'no-such-variable': g }), /no variable named/);
  tf.dispose([v, g]);
  opt.dispose();
});

test('noDecay bias-and-norm leaves rank-1 parameters undecayed', () => {
  const opt = new AdamW({ weightDecay: 0.1, noDecay: 'bias-and-norm' });
  const w = tf.variable(tf.zeros([2, 2]), true, `adamw${unique++}/w`);
  const b = tf.variable(tf.zeros([2]), true, `adamw${unique++}/b`);
  assert.equal(opt.decays(w.name, w), true);
  assert.equal(opt.decays(b.name, b), false);
  tf.dispose([w, b]);
});

test('AdamW snapshot uses PyTorch slot names and restores into a fresh optimizer', async () => {
  await initBackend('cpu');
  const w = tf.variable(tf.zeros([2, 3]), true, `adamw${unique++}/w`);
  const opt = new AdamW({ lr: 0.5 });
  const g = tf.fill([2, 3], 2);
  opt.applyGradients({ [w.name]: g });
  const snap = opt.snapshot();
  assert.equal(snap.name, 'adamw');
  assert.equal(snap.step, 1);
  const slots = snap.slots.get(w.name)!;
  // after one step from zero: exp_avg = (1 - 0.9)·g, exp_avg_sq = (1 - 0.999)·g²
  assertClose(slots.exp_avg.dataSync(), Array(6).fill(0.2), 'exp_avg');
  assertClose(slots.exp_avg_sq.dataSync(), Array(6).fill(0.004), 'exp_avg_sq');
  const fromDisk = new Map([
    [
      w.name,
      {
        exp_avg: { shape: [2, 3], data: slots.exp_avg.dataSync() },
        exp_avg_sq: { shape: [2, 3], data: slots.exp_avg_sq.dataSync() },
      },
    ],
  ]);
  const other = new AdamW();
  other.restore({ name: 'adamw', step: 1, hyperparameters: snap.hyperparameters, slots: fromDisk });
  assert.equal(other.learningRate, 0.5);
  assertClose(other.snapshot().slots.get(w.name)!.exp_avg.dataSync(), Array(6).fill(0.2), 'restored exp_avg');
  assert.throws(() => other.restore({ name: 'sgd', step: 0, slots: new Map() }), /not AdamW/);
  tf.dispose([w, g]);
  opt.dispose();
  other.dispose();
});
