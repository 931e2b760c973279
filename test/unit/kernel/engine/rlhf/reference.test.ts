// The reference policy: KL to an identical policy is exactly 0, LoRA mode holds no second copy of the base weights
// (measured with tf.memory()), and nothing leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useTestBackend } from '../models/testBackend';
import { load } from '../../../../../kernel/engine/models/load';
import { lora } from '../../../../../kernel/engine/tuners/lora';
import { referencePolicy } from '../../../../../kernel/engine/rlhf/reference';
import { sequenceKl } from '../../../../../kernel/engine/rlhf/rollouts';
import { collateSequences, encodeSequence } from '../../../../../kernel/engine/rlhf/sequences';
import type { Model } from '../../../../../kernel/engine/models/model';

const MODEL_DIR = join(__dirname, '../../../../../kernel/assets/models/tiny-gpt2');

test.before(async () => {
  await useTestBackend();
});

function batchFor(model: Model) {
  const tok = model.tokenizer!;
  return collateSequences(
    [encodeSequence(tok, 'The ship', ' sailed on the sea', 32), encodeSequence(tok, 'Call me', ' Ishmael', 32)],
    tok.eosTokenId ?? 0,
  );
}

function weightBytes(model: Model): number {
  return [...model.params.values()].reduce((s, v) => s + v.size * 4, 0);
}

test('LoRA reference: KL to the untrained policy is 0, and the reference adds no copy of the weights', async () => {
  const policy = await load(MODEL_DIR);
  lora(policy, { r: 4, seed: 1 });
  const batch = batchFor(policy);
  const base = weightBytes(policy);
  const bytesBefore = tf.memory().numBytes;
  const tensorsBefore = tf.memory().numTensors;
  const reference = referencePolicy(policy);
  assert.equal(reference.mode, 'adapters-disabled');
  const kl = sequenceKl(policy, reference, batch);
  assert.equal(kl.length, 2);
  kl.forEach((k) => assert.ok(Math.abs(k) < 1e-6, `KL of identical policies is ${k}`));
  const grown = tf.memory().numBytes - bytesBefore;
  assert.ok(grown < 0.01 * base, `the LoRA reference grew memory by ${grown} bytes (base weights ${base})`);
  assert.equal(tf.memory().numTensors, tensorsBefore);

  // Moving an adapter makes the policy differ from its reference: the same measurement is no longer 0.
  const b = [...policy.params].find(([n]) => n.includes('lora_B'))![1];
  tf.tidy(() => b.assign(tf.randomNormal(b.shape, 0, 0.5, 'float32', 3)));
  const moved = sequenceKl(policy, reference, batch);
  assert.ok(
    moved.some((k) => Math.abs(k) > 1e-3),
    `KL after changing the adapter is ${moved}`,
  );
  reference.dispose();
  policy.dispose();
});

test('full-model reference: a frozen copy (one more copy of the weights), KL 0 until the policy moves, freed by dispose', async () => {
  const policy = await load(MODEL_DIR);
  const batch = batchFor(policy);
  const base = weightBytes(policy);
  tf.tidy(() => policy.logits(batch.ids)); // the model caches its causal mask on first use; not part of the copy
  const bytesBefore = tf.memory().numBytes;
  const reference = referencePolicy(policy);
  assert.equal(reference.mode, 'frozen-copy');
  const grown = tf.memory().numBytes - bytesBefore;
  assert.ok(
    grown >= 0.99 * base && grown <= 1.01 * base,
    `the frozen copy took ${grown} bytes, the weights are ${base}`,
  );
  sequenceKl(policy, reference, batch).forEach((k) =>
    assert.ok(Math.abs(k) < 1e-6, `KL of identical policies is ${k}`),
  );
  const w = policy.params.get('transformer.h.0.mlp.c_fc.weight')!;
  tf.tidy(() => w.assign(tf.add(w, tf.randomNormal(w.shape, 0, 0.2, 'float32', 5))));
  assert.ok(sequenceKl(policy, reference, batch).some((k) => Math.abs(k) > 1e-3));
  reference.dispose();
  const left = tf.memory().numBytes - bytesBefore;
  assert.ok(left < 0.01 * base, `dispose left ${left} bytes of ${base}`);
  policy.dispose();
});
