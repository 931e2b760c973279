import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastPlan } from '../../../../../../kernel/engine/backends/wasm/broadcastBinary';
import { setSimdKernelsEnabled } from '../../../../../../kernel/engine/backends/wasm/simd/module';
import { assertSameOnBothBackends, randomTensor } from './compareBackends';

// One rounding of one f32 operation apart at most (division included).
const ATOL = 1e-7;
const RTOL = 2e-7;

const BROADCASTS: Array<[number[], number[]]> = [
  [[2, 3, 5], [5]], // bias add
  [
    [4, 7, 9],
    [4, 7, 1],
  ], // LayerNorm centring: one value per row
  [
    [4, 7, 1],
    [4, 7, 9],
  ],
  [
    [3, 2, 5, 5],
    [1, 1, 5, 5],
  ], // attention mask
  [
    [2, 1, 6],
    [1, 3, 1],
  ], // outer product
  [
    [5, 1],
    [1, 6],
  ],
  [[], [3, 5]], // scalar
  [[3, 5], []],
  [[7], [2, 3, 7]],
  [
    [1, 1, 3],
    [2, 1, 3],
  ],
  [
    [4, 5, 3],
    [4, 5, 3],
  ], // equal shapes: one row
];
const OPS: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['div', tf.div],
];

for (const simd of [true, false]) {
  for (const [name, op] of OPS) {
    test(`broadcasting ${name} on wasm${simd ? '' : ' (JS fallback)'} equals cpu for ${BROADCASTS.length} shape pairs`, async () => {
      setSimdKernelsEnabled(simd);
      try {
        for (const [aShape, bShape] of BROADCASTS) {
          await assertSameOnBothBackends(
            `${name} [${aShape}] [${bShape}]`,
            () => op(randomTensor(aShape, 11), tf.add(randomTensor(bShape, 12), name === 'div' ? 2 : 0)),
            ATOL,
            RTOL,
          );
        }
      } finally {
        setSimdKernelsEnabled(true);
      }
    });
  }
}

test('broadcasting ops keep int32 on the stock kernels', async () => {
  await assertSameOnBothBackends(
    'int add',
    () => tf.add(tf.tensor([[1, 2, 3]], [1, 3], 'int32'), tf.tensor([[10], [20]], [2, 1], 'int32')),
    0,
    0,
  );
});

test('broadcast gradients (bias and per-row scale) on wasm equal cpu', async () => {
  await assertSameOnBothBackends(
    'grads',
    () =>
      tf.grads((x: tf.Tensor, g: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(tf.div(tf.sub(x, r), tf.add(r, 3)), g)))([
        randomTensor([3, 4, 6], 13),
        randomTensor([6], 14),
        randomTensor([3, 4, 1], 15),
      ]),
    1e-6,
    1e-6,
  );
});

test('broadcastPlan collapses a bias add to rows with a scalar-free inner loop', () => {
  assert.deepEqual(broadcastPlan([4, 5, 3], [4, 5, 3], [4, 5, 3]), {
    outerSizes: [],
    aOuterStrides: [],
    bOuterStrides: [],
    inner: 60,
    aStep: 1,
    bStep: 1,
  });
  assert.deepEqual(broadcastPlan([2, 3, 5], [5], [2, 3, 5]), {
    outerSizes: [6],
    aOuterStrides: [5],
    bOuterStrides: [0],
    inner: 5,
    aStep: 1,
    bStep: 1,
  });
  assert.deepEqual(broadcastPlan([4, 7, 9], [4, 7, 1], [4, 7, 9]), {
    outerSizes: [28],
    aOuterStrides: [9],
    bOuterStrides: [1],
    inner: 9,
    aStep: 1,
    bStep: 0,
  });
  assert.deepEqual(broadcastPlan([], [3, 5], [3, 5]), {
    outerSizes: [],
    aOuterStrides: [],
    bOuterStrides: [],
    inner: 15,
    aStep: 0,
    bStep: 1,
  });
});

test('tanh on wasm is within 2 ulp of cpu, including saturation, tiny values and NaN', async () => {
  const special = [0, -0, 1e-8, -3e-4, 5e-4, 0.5, -0.5, 3, -3, 7.9, 8, -20, 1e6, -1e6, Number.NaN];
  await assertSameOnBothBackends('tanh special', () => tf.tanh(tf.tensor(special)), 0, 2.4e-7);
  await assertSameOnBothBackends('tanh random', () => tf.tanh(randomTensor([1001], 16, 6)), 1e-7, 2.4e-7);
  // 1 − tanh² near saturation turns tanh's 2.4e-7 relative error into up to ~5e-7 absolute.
  await assertSameOnBothBackends(
    'tanh grad',
    () => tf.grad((x: tf.Tensor) => tf.sum(tf.tanh(x)))(randomTensor([257], 17, 4)),
    5e-7,
    1e-6,
  );
});

test('pow with exponents 1, 2, 3 (multiplies) and 2.5 (stock) on wasm equals cpu, with gradients', async () => {
  for (const e of [1, 2, 3, 2.5]) {
    await assertSameOnBothBackends(
      `pow ${e}`,
      () => {
        const x = tf.abs(randomTensor([3, 67], 18, 3));
        return [tf.pow(x, e), tf.grad((y: tf.Tensor) => tf.sum(tf.pow(y, e)))(x)];
      },
      1e-6,
      2e-6,
    );
  }
  await assertSameOnBothBackends('pow negative base cubed', () => tf.pow(randomTensor([33], 19, 2), 3), 0, 2.4e-7);
});

test('square on wasm equals cpu', async () => {
  await assertSameOnBothBackends('square', () => tf.square(randomTensor([5, 13], 20, 10)), 0, 1.2e-7);
});

test('sum over leading axes (bias gradients) on wasm equals cpu; other reductions too', async () => {
  // f32 sequential accumulation over up to 300 rows of values in [-1, 1)
  for (const [shape, axis, keepDims] of [
    [[300, 7], 0, false],
    [[4, 5, 6], [0, 1], false],
    [[4, 5, 6], [1, 0], true],
    [[4, 5, 6], -1, false],
    [[4, 5, 6], 1, false],
    [[9], 0, false],
  ] as const) {
    await assertSameOnBothBackends(
      `sum [${shape}] axis ${axis}`,
      () => tf.sum(randomTensor([...shape], 21), axis as number | number[], keepDims),
      2e-5,
      1e-5,
    );
  }
});

test('softmax on wasm equals cpu: small rows (ours, with a masked row) and large inputs (XNNPACK), with gradients', async () => {
  await assertSameOnBothBackends('small', () => tf.softmax(randomTensor([2, 4, 1, 37], 22, 8)), 1e-7, 1e-6);
  await assertSameOnBothBackends(
    'masked',
    () =>
      tf.softmax(
        tf.add(
          randomTensor([3, 5], 23),
          tf.tensor2d([
            [0, 0, -1e30, -1e30, 0],
            [-1e30, -1e30, -1e30, -1e30, 0],
            [0, 0, 0, 0, 0],
          ]),
        ),
      ),
    1e-7,
    1e-6,
  );
  await assertSameOnBothBackends('large', () => tf.softmax(randomTensor([8, 4, 32, 32], 24, 8)), 1e-7, 1e-5);
  await assertSameOnBothBackends(
    'grad',
    () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(x), randomTensor([6, 9], 25))))(randomTensor([6, 9], 26, 4)),
    1e-7,
    1e-5,
  );
});
