import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../../kernel/engine/backends/ladder';
import { collapseTranspose } from '../../../../../../kernel/engine/backends/wasm/transpose';
import { assertSameOnBothBackends, randomTensor } from './compareBackends';

test('unsortedSegmentSum on wasm equals cpu: repeated, missing and out-of-range ids', async () => {
  const ids = [3, 0, 3, -1, 7, 1, 3, 9]; // -1 and 9 are outside [0, 8) and dropped
  await assertSameOnBothBackends(
    'float rows',
    () => tf.unsortedSegmentSum(randomTensor([8, 5], 30), tf.tensor1d(ids, 'int32'), 8),
    1e-7,
    1e-7,
  );
  await assertSameOnBothBackends(
    'float scalars',
    () => tf.unsortedSegmentSum(randomTensor([8], 31), tf.tensor1d(ids, 'int32'), 10),
    1e-7,
    1e-7,
  );
});

test('unsortedSegmentSum on wasm keeps int32 (as TensorFlow; tfjs cpu returns float32)', async () => {
  await initBackend('wasm');
  const out = tf.unsortedSegmentSum(
    tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [3, 2],
      'int32',
    ),
    tf.tensor1d([2, 0, 2], 'int32'),
    3,
  );
  assert.equal(out.dtype, 'int32');
  assert.deepEqual(Array.from(out.dataSync()), [3, 4, 0, 0, 6, 8]);
  out.dispose();
});

test('gather gradient (a trainable embedding) works on wasm and equals cpu', async () => {
  await assertSameOnBothBackends(
    'd/dtable sum(gather(table, ids)²)',
    () =>
      tf.grad((table: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.gather(
              table,
              tf.tensor2d(
                [
                  [1, 4, 1],
                  [0, 4, 4],
                ],
                [2, 3],
                'int32',
              ),
            ),
          ),
        ),
      )(randomTensor([6, 7], 32)),
    1e-6,
    1e-6,
  );
});

const PERMS: Array<[number[], number[]]> = [
  [
    [2, 3, 4],
    [0, 2, 1],
  ],
  [
    [2, 3, 4],
    [2, 0, 1],
  ],
  [
    [2, 5, 3, 4],
    [0, 2, 1, 3],
  ], // split heads
  [
    [3, 2, 4, 5],
    [1, 2, 0, 3],
  ],
  [
    [2, 5, 3, 2, 4],
    [2, 0, 3, 1, 4],
  ], // fused QKV [B, T, 3, H, D] → [3, B, H, T, D]
  [
    [2, 3, 1, 4, 5],
    [4, 3, 2, 1, 0],
  ],
  [
    [1, 4, 1, 3],
    [3, 2, 1, 0],
  ], // size-1 dims
];

test('transpose on wasm equals cpu for ranks 3–5, float32 and int32', async () => {
  for (const [shape, perm] of PERMS) {
    await assertSameOnBothBackends(
      `transpose [${shape}] by [${perm}]`,
      () => tf.transpose(randomTensor(shape, 33), perm),
      0,
      0,
    );
    await assertSameOnBothBackends(
      `int transpose [${shape}]`,
      () => tf.transpose(tf.cast(tf.mul(randomTensor(shape, 34), 100), 'int32'), perm),
      0,
      0,
    );
  }
});

test('collapseTranspose merges dimensions that stay adjacent and drops size-1 ones', () => {
  assert.deepEqual(collapseTranspose([2, 5, 3, 4], [0, 2, 1, 3]), { shape: [2, 5, 3, 4], perm: [0, 2, 1, 3] });
  assert.deepEqual(collapseTranspose([2, 3, 4, 5], [2, 3, 0, 1]), { shape: [6, 20], perm: [1, 0] });
  assert.deepEqual(collapseTranspose([1, 4, 1, 3], [3, 2, 1, 0]), { shape: [4, 3], perm: [1, 0] });
  assert.deepEqual(collapseTranspose([2, 3, 4], [0, 1, 2]), { shape: [24], perm: [0] });
});

test('identity on wasm shares data without copying and frees it when the last holder is disposed', async () => {
  await initBackend('wasm');
  const before = tf.memory();
  const x = tf.tensor([1, 2, 3]);
  const y = tf.clone(x);
  assert.equal(y.dataId, x.dataId, 'the clone shares the data');
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1, 'one buffer for both');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3], 'the clone outlives the original');
  y.dispose();
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers);
});

test('gather on wasm equals cpu on axes 0, 1 and -1 with 2-D ids, float32 and int32', async () => {
  const ids = () =>
    tf.tensor2d(
      [
        [2, 0],
        [2, 4],
      ],
      [2, 2],
      'int32',
    );
  await assertSameOnBothBackends('axis 0', () => tf.gather(randomTensor([5, 3, 4], 35), ids(), 0), 0, 0);
  await assertSameOnBothBackends('axis 1', () => tf.gather(randomTensor([3, 5, 4], 36), ids(), 1), 0, 0);
  await assertSameOnBothBackends('axis -1', () => tf.gather(randomTensor([3, 4, 5], 37), ids(), -1), 0, 0);
  await assertSameOnBothBackends(
    'int',
    () =>
      tf.gather(
        tf.tensor2d(
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          [3, 2],
          'int32',
        ),
        tf.tensor1d([2, 2, 0], 'int32'),
      ),
    0,
    0,
  );
});

test('gather on wasm refuses an out-of-range id with the index in the message', async () => {
  await initBackend('wasm');
  const table = tf.zeros([4, 2]);
  const ids = tf.tensor1d([1, 4], 'int32');
  assert.throws(() => tf.gather(table, ids), /index value 4 is not in \[0, 3\]/);
  tf.dispose([table, ids]);
});

test('split on wasm equals cpu for equal and uneven sizes on several axes, with gradients', async () => {
  await assertSameOnBothBackends('qkv', () => tf.split(randomTensor([2, 5, 12], 38), 3, -1), 0, 0);
  await assertSameOnBothBackends('uneven axis 1', () => tf.split(randomTensor([2, 7, 3], 39), [2, -1, 1], 1), 0, 0);
  await assertSameOnBothBackends('axis 0', () => tf.split(randomTensor([6, 4], 40), [1, 5], 0), 0, 0);
  await assertSameOnBothBackends(
    'grad',
    () =>
      tf.grad((x: tf.Tensor) => {
        const [a, b, c] = tf.split(x, 3, -1);
        return tf.sum(tf.mul(tf.mul(a, b), c));
      })(randomTensor([3, 9], 41)),
    1e-7,
    1e-6,
  );
});

test('cast on wasm to the same dtype shares data; to another dtype converts as cpu', async () => {
  await initBackend('wasm');
  const x = tf.tensor([1.5, -2.5, 3]);
  const same = tf.cast(x, 'float32');
  assert.equal(same.dataId, x.dataId);
  tf.dispose([x, same]);
  await assertSameOnBothBackends('to int', () => tf.cast(tf.mul(randomTensor([7], 42), 10), 'int32'), 0, 0);
  await assertSameOnBothBackends('to float', () => tf.cast(tf.tensor1d([1, -7, 3], 'int32'), 'float32'), 0, 0);
});
