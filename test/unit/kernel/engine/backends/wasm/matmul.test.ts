import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { setSimdKernelsEnabled } from '../../../../../../kernel/engine/backends/wasm/simd/module';
import { assertSameOnBothBackends, randomTensor } from './compareBackends';

// float32 sums of up to 70 products of values in [-1, 1): both backends round differently, by ~1e-6 each.
const ATOL = 1e-4;
const RTOL = 1e-4;

const CASES: Array<[number[], number[], boolean, boolean]> = [
  [[33, 17], [17, 29], false, false],
  [[17, 33], [17, 29], true, false], // Aᵀ·B: weight gradient
  [[33, 17], [29, 17], false, true], // A·Bᵀ: input gradient, tied LM head
  [[17, 33], [29, 17], true, true],
  [[5, 17], [29, 17], false, true], // few rows (generation): our kernel, not XNNPACK
  [[17, 3], [17, 29], true, false],
  [[1, 64], [64, 40], false, false],
  [[4, 9, 13], [13, 10], false, false], // batched A, shared B: one tall product
  [[4, 9, 13], [4, 13, 10], false, false], // attention-style batched products
  [[4, 9, 13], [4, 10, 13], false, true],
  [[4, 13, 9], [4, 13, 10], true, false],
  [[4, 13, 9], [4, 10, 13], true, true],
  [[2, 3, 7, 5], [2, 3, 5, 11], false, false], // rank 4 [B, H, T, D]
  [[1, 6, 5], [3, 5, 4], false, false], // broadcast A over B's batch
  [[3, 6, 5], [1, 4, 5], false, true],
  [[2, 1, 6, 5], [1, 3, 5, 4], false, false], // general broadcast: stock path
];

for (const simd of [true, false]) {
  for (const [aShape, bShape, ta, tb] of CASES) {
    test(`matMul [${aShape}]${ta ? 'ᵀ' : ''} · [${bShape}]${tb ? 'ᵀ' : ''} on wasm${simd ? '' : ' (JS fallback)'} equals cpu`, async () => {
      setSimdKernelsEnabled(simd);
      try {
        await assertSameOnBothBackends(
          'matMul',
          () => tf.matMul(randomTensor(aShape, 1), randomTensor(bShape, 2), ta, tb),
          ATOL,
          RTOL,
        );
      } finally {
        setSimdKernelsEnabled(true);
      }
    });
  }
}

test('matMul gradients (batched and transposed products) on wasm equal cpu', async () => {
  await assertSameOnBothBackends(
    'd/d(a,b) sum(matMul(a, b)ᵀ·c)',
    () => {
      const a = randomTensor([3, 7, 6], 3);
      const b = randomTensor([3, 6, 5], 4);
      const w = randomTensor([5, 4], 5);
      const f = (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.tanh(tf.matMul(tf.matMul(x, y) as tf.Tensor3D, w as tf.Tensor2D)));
      return tf.grads(f)([a, b]);
    },
    ATOL,
    RTOL,
  );
});

test('fused matMul with bias and transposed operands on wasm equals cpu, with gradients', async () => {
  await assertSameOnBothBackends(
    'fused.matMul',
    () => {
      const w = randomTensor([10, 12], 7); // [out, in]: transposeB
      const bias = randomTensor([10], 8);
      const outs: tf.Tensor[] = [];
      for (const rows of [3, 45]) {
        // few rows: our kernel + bias rows; many: transposed onto XNNPACK
        const x = randomTensor([rows, 12], 6);
        outs.push(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias }));
        outs.push(
          tf.fused.matMul({
            a: tf.transpose(x) as tf.Tensor2D,
            b: w as tf.Tensor2D,
            transposeA: true,
            transposeB: true,
            bias,
          }),
        );
        outs.push(
          tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias, activation: 'relu' }),
        );
        outs.push(
          ...tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
            tf.sum(tf.square(tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, transposeB: true, bias }))),
          )([x, w]),
        );
      }
      return outs;
    },
    ATOL,
    RTOL,
  );
});
