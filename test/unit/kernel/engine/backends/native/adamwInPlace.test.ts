// The native AdamW updates parameters and moments in place only when nothing else can see them: results equal
// the cpu backend's over several steps, and clones and dataSync() arrays taken between steps do not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../../kernel/engine/backends/ladder';
import { AdamW } from '../../../../../../kernel/engine/train/optim';
import { nativeSkipReason, randomValues } from './nativeHarness';

const skip = nativeSkipReason();

function train(steps: number, observe?: (w: tf.Variable, step: number) => void): Float32Array {
  const init = tf.tensor2d(randomValues(12, 1), [3, 4]);
  const w = tf.variable(init, true, `w${Math.random()}`);
  init.dispose();
  observe?.(w, -1);
  const x = tf.tensor2d(randomValues(6, 2), [2, 3]);
  const opt = new AdamW({ lr: 0.05, weightDecay: 0.1 });
  for (let s = 0; s < steps; s++) {
    opt.minimize(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar, [w]);
    observe?.(w, s);
  }
  const out = Float32Array.from(w.dataSync());
  opt.dispose();
  tf.dispose([w, x]);
  return out;
}

interface Stored {
  data: { get(id: tf.DataId): { values: unknown } };
}

test(
  'in-place updates: same numbers as cpu; the stored array is reused from the second step on',
  { skip },
  async () => {
    await initBackend('cpu');
    const want = train(5);
    await initBackend('native');
    const stored = tf.backend() as unknown as Stored;
    const arrays: unknown[] = [];
    const got = train(5, (w) => arrays.push(stored.data.get(w.dataId).values));
    got.forEach((v, i) =>
      assert.ok(Math.abs(v - want[i]) <= 1e-6 + 1e-5 * Math.abs(want[i]), `w[${i}] native ${v} vs cpu ${want[i]}`),
    );
    assert.notEqual(arrays[0], arrays[1], "step 1 writes new arrays (the initial values are not the optimizer's own)");
    assert.equal(arrays[1], arrays[2], 'later steps update in place');
    assert.equal(arrays[2], arrays[5]);
  },
);

test('a clone or a dataSync() array taken between steps keeps its values', { skip }, async () => {
  await initBackend('native');
  const before = tf.memory().numTensors;
  let clone: tf.Tensor | undefined;
  let synced: Float32Array | undefined;
  let cloneValues: number[] = [];
  let syncedValues: number[] = [];
  train(4, (w, step) => {
    if (step === 1) {
      clone = tf.clone(w);
      cloneValues = Array.from(clone.dataSync());
    }
    if (step === 2) {
      synced = w.dataSync() as Float32Array;
      syncedValues = Array.from(synced);
    }
  });
  assert.deepEqual(Array.from(clone!.dataSync()), cloneValues, 'the clone did not move with the variable');
  assert.deepEqual(Array.from(synced!), syncedValues, 'the array dataSync() returned was not overwritten');
  clone!.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
});
