// Training access: logits are differentiable w.r.t. model.params inside tf.variableGrads, gradients agree with
// finite differences, frozen variables get none, and dropout only acts in training mode.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { load } from '../../../../../kernel/engine/models/load';
import { expected, fixtureDir } from './golden';
import { useTestBackend } from './testBackend';

before(useTestBackend);

/** Mean next-token cross-entropy of a causal LM on ids [B, T]. */
function lmLoss(logits: tf.Tensor, ids: number[][]): tf.Scalar {
  const [B, T, V] = logits.shape;
  const inputs = tf.slice(logits, [0, 0, 0], [B, T - 1, V]);
  const targets = tf.oneHot(
    tf.tensor2d(
      ids.map((r) => r.slice(1)),
      undefined,
      'int32',
    ),
    V,
  );
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(inputs)), -1))) as tf.Scalar;
}

test('gpt2: every parameter gets a finite, non-zero gradient', async () => {
  const model = await load(fixtureDir('gpt2'));
  const ids = expected('gpt2').inputs.ids as number[][];
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => lmLoss(model.logits(ids), ids), model.trainableVariables());
  assert.equal(Object.keys(grads).length, model.params.size);
  for (const [name, v] of model.params) {
    const g = grads[v.name];
    assert.ok(g, `no gradient for ${name}`);
    const norm = tf.tidy(() => tf.norm(g).dataSync()[0]);
    assert.ok(Number.isFinite(norm) && norm > 0, `${name}: gradient norm ${norm}`);
  }
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('bert: analytic gradient matches a central finite difference', async () => {
  const model = await load(fixtureDir('bert'));
  const { ids, attentionMask } = expected('bert').inputs;
  const name = 'bert.encoder.layer.1.intermediate.dense.weight';
  const v = model.params.get(name)!;
  const loss = () => tf.tidy(() => tf.sum(tf.square(model.logits(ids, { attentionMask }))) as tf.Scalar);
  const { grads } = tf.variableGrads(loss, [v]);
  const analytic = grads[v.name].dataSync()[5];
  const original = v.dataSync().slice();
  const eps = 1e-2;
  const at = (delta: number) => {
    const w = original.slice();
    w[5] += delta;
    v.assign(tf.tensor(w, v.shape));
    const l = loss();
    const x = l.dataSync()[0];
    l.dispose();
    return x;
  };
  const numeric = (at(eps) - at(-eps)) / (2 * eps);
  v.assign(tf.tensor(original, v.shape));
  assert.ok(
    Math.abs(numeric - analytic) < 1e-3 * Math.max(1, Math.abs(analytic)),
    `numeric ${numeric} vs analytic ${analytic}`,
  );
  tf.dispose(Object.values(grads));
  model.dispose();
});

test('frozen parameters are left out of trainableVariables()', () => {
  const model = create(
    { model_type: 'gpt2', vocab_size: 20, n_positions: 8, n_embd: 8, n_layer: 1, n_head: 2 },
    { seed: 3 },
  );
  for (const [name, v] of model.params) if (!name.includes('.h.0.mlp.')) v.trainable = false;
  const trainable = model.trainableVariables();
  assert.equal(trainable.length, 4);
  const { value, grads } = tf.variableGrads(() => tf.mean(model.logits([[1, 2, 3]])) as tf.Scalar, trainable);
  assert.equal(Object.keys(grads).length, 4);
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
});

test('dropout acts only with training: true', () => {
  const model = create(
    { model_type: 'gpt2', vocab_size: 20, n_positions: 8, n_embd: 8, n_layer: 1, n_head: 2, resid_pdrop: 0.5 },
    { seed: 4 },
  );
  tf.tidy(() => {
    const a = model.logits([[1, 2, 3]]).dataSync();
    assert.deepEqual(model.logits([[1, 2, 3]]).dataSync(), a, 'inference is deterministic');
    const t = model.logits([[1, 2, 3]], { training: true }).dataSync();
    assert.notDeepEqual(t, a);
  });
  model.dispose();
});
