// Every native kernel against tfjs's cpu backend on random inputs: transposed, broadcast and empty shapes,
// to 1e-5 relative (see nativeHarness.ts for the exact tolerance), with no tensor leaks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../../kernel/engine/backends/ladder';
import { adamwUpdate } from '../../../../../../kernel/engine/backends/wasm/adamwKernel';
import { fusedGelu } from '../../../../../../kernel/engine/backends/native/fusedGelu';
import { fusedLayerNorm } from '../../../../../../kernel/engine/backends/native/fusedLayerNorm';
import { assertNativeMatchesCpu, nativeSkipReason, randomTensor } from './nativeHarness';

const skip = nativeSkipReason();
const r = randomTensor;

describe('native kernels match the cpu backend', { skip }, () => {
  test('MatMul / BatchMatMul: every transpose combination, batched, broadcast batch, empty', async () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = (m: number, k: number, seed: number, lead: number[] = []) =>
        r([...lead, ...(ta ? [k, m] : [m, k])], seed);
      const b = (k: number, n: number, seed: number, lead: number[] = []) =>
        r([...lead, ...(tb ? [n, k] : [k, n])], seed);
      await assertNativeMatchesCpu(`2-D ${ta}/${tb}`, () => tf.matMul(a(17, 33, 1), b(33, 9, 2), ta, tb));
      await assertNativeMatchesCpu(`batched ${ta}/${tb}`, () =>
        tf.matMul(a(5, 7, 3, [2, 3]), b(7, 4, 4, [2, 3]), ta, tb),
      );
      await assertNativeMatchesCpu(`broadcast A ${ta}/${tb}`, () =>
        tf.matMul(a(5, 7, 5, [1]), b(7, 4, 6, [3]), ta, tb),
      );
      await assertNativeMatchesCpu(`broadcast B ${ta}/${tb}`, () =>
        tf.matMul(a(5, 7, 7, [4]), b(7, 4, 8, [1]), ta, tb),
      );
      await assertNativeMatchesCpu(`empty M ${ta}/${tb}`, () => tf.matMul(a(0, 7, 9), b(7, 4, 10), ta, tb));
      await assertNativeMatchesCpu(`empty K ${ta}/${tb}`, () => tf.matMul(a(3, 0, 9), b(0, 4, 10), ta, tb));
    }
    await assertNativeMatchesCpu('large inner dimension', () => tf.matMul(r([8, 1000], 11), r([1000, 6], 12)));
  });

  test('_FusedMatMul: bias row and activations (linear, relu, sigmoid), transposes; other biases fall back', async () => {
    for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
      for (const [ta, tb] of [
        [false, false],
        [true, true],
        [false, true],
      ] as const) {
        await assertNativeMatchesCpu(`fused ${activation} ${ta}/${tb}`, () =>
          tf.fused.matMul({
            a: r(ta ? [6, 5] : [5, 6], 1),
            b: r(tb ? [7, 6] : [6, 7], 2),
            transposeA: ta,
            transposeB: tb,
            bias: r([7], 3),
            activation,
          }),
        );
      }
    }
    await assertNativeMatchesCpu('fused, no bias', () =>
      tf.fused.matMul({ a: r([4, 3], 4), b: r([3, 2], 5), activation: 'relu' }),
    );
    await assertNativeMatchesCpu('fused, 2-D bias (cpu fallback)', () =>
      tf.fused.matMul({ a: r([4, 3], 4), b: r([3, 2], 5), bias: r([4, 2], 6) }),
    );
    await assertNativeMatchesCpu('fused, elu (cpu fallback)', () =>
      tf.fused.matMul({ a: r([4, 3], 4), b: r([3, 2], 5), activation: 'elu' }),
    );
  });

  test('binary arithmetic: equal shapes, scalars, rows, columns, two-sided and rank-4 broadcasting, empty', async () => {
    const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
      ['add', tf.add],
      ['sub', tf.sub],
      ['mul', tf.mul],
      ['div', tf.div],
      ['maximum', tf.maximum],
      ['minimum', tf.minimum],
      ['squaredDifference', tf.squaredDifference],
    ];
    const pairs: Array<[number[], number[]]> = [
      [
        [6, 5],
        [6, 5],
      ],
      [[6, 5], []],
      [[], [6, 5]],
      [[4, 6, 5], [5]],
      [
        [6, 5],
        [6, 1],
      ],
      [
        [6, 1],
        [1, 5],
      ],
      [
        [2, 3, 4, 5],
        [3, 1, 5],
      ],
      [
        [2, 1, 4, 1],
        [1, 3, 1, 5],
      ],
      [[0, 5], [5]],
      [[3, 70000], [70000]],
    ];
    for (const [name, op] of ops) {
      for (const [sa, sb] of pairs) {
        await assertNativeMatchesCpu(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () =>
          op(r(sa, 1), name === 'div' ? tf.add(r(sb, 2), 3) : r(sb, 2)),
        );
      }
    }
    await assertNativeMatchesCpu('pow by a scalar 2 and 3 and by a tensor', () => [
      tf.pow(r([7, 9], 3), 2),
      tf.pow(r([7, 9], 3), 3),
      tf.pow(tf.add(r([7, 9], 4), 2), r([9], 5)),
    ]);
    await assertNativeMatchesCpu('int32 add (cpu fallback)', () =>
      tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(4, 'int32')),
    );
  });

  test('unary math: tanh exp log sqrt rsqrt square neg relu sigmoid abs erf reciprocal', async () => {
    await assertNativeMatchesCpu('unary', () => {
      const x = r([9, 31], 7, 3);
      const pos = tf.add(tf.abs(x), 0.1);
      return [
        tf.tanh(x),
        tf.exp(x),
        tf.log(pos),
        tf.sqrt(pos),
        tf.rsqrt(pos),
        tf.square(x),
        tf.neg(x),
        tf.relu(x),
        tf.sigmoid(x),
        tf.abs(x),
        tf.reciprocal(pos),
        tf.tanh(r([0, 3], 1)),
      ];
    });
    // tfjs-cpu's erf is a polynomial approximation (about 1.5e-7 absolute), so it is held to 3e-7 absolute.
    const native = await valuesOn('native', () => tf.erf(r([500], 8, 3)));
    const cpu = await valuesOn('cpu', () => tf.erf(r([500], 8, 3)));
    native.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) <= 3e-7, `erf[${i}] ${v} vs ${cpu[i]}`));
  });

  test('reductions: sum, max, min, mean over inner, leading, middle, split and all axes, keepDims, empty', async () => {
    const x = () => r([4, 5, 6], 9);
    for (const [name, op] of [
      ['sum', tf.sum],
      ['max', tf.max],
      ['min', tf.min],
      ['mean', tf.mean],
    ] as const) {
      for (const axis of [-1, 0, 1, [0, 1], [1, 2], [0, 2], undefined] as Array<number | number[] | undefined>) {
        await assertNativeMatchesCpu(`${name} axis ${JSON.stringify(axis)}`, () => [
          op(x(), axis),
          op(x(), axis, true),
        ]);
      }
      await assertNativeMatchesCpu(`${name} of a long row`, () => op(r([3, 20000], 10), -1));
    }
    await assertNativeMatchesCpu('sum over an empty axis, sum of an empty tensor', () => [
      tf.sum(r([3, 0], 1), 1),
      tf.sum(r([0, 4], 1), 0),
      tf.mean(r([2, 5], 2), []),
    ]);
    await assertNativeMatchesCpu('int32 sum (cpu fallback)', () =>
      tf.sum(
        tf.tensor2d(
          [
            [1, 2],
            [3, 4],
          ],
          [2, 2],
          'int32',
        ),
        0,
      ),
    );
  });

  test('softmax and logSoftmax over the last axis (and a softmax over another axis, cpu fallback path)', async () => {
    await assertNativeMatchesCpu('softmax', () => [
      tf.softmax(r([3, 4, 50], 11, 8)),
      tf.logSoftmax(r([6, 1000], 12, 8)),
      tf.softmax(r([0, 5], 1)),
    ]);
    await assertNativeMatchesCpu('softmax of a masked row', () => tf.softmax(tf.tensor2d([[0, -1e9, 1, -Infinity]])));
  });

  test('transpose: ranks 2-5, inner axis kept and moved, int32, empty', async () => {
    const cases: Array<[number[], number[]]> = [
      [
        [7, 9],
        [1, 0],
      ],
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
      ],
      [
        [2, 3, 2, 4, 5],
        [2, 0, 3, 1, 4],
      ],
      [
        [2, 3, 2, 4, 5],
        [4, 3, 2, 1, 0],
      ],
      [
        [1, 6, 1, 4],
        [2, 3, 0, 1],
      ],
      [
        [0, 3],
        [1, 0],
      ],
    ];
    for (const [shape, perm] of cases)
      await assertNativeMatchesCpu(`transpose ${shape} ${perm}`, () => tf.transpose(r(shape, 13), perm));
    await assertNativeMatchesCpu('int32 transpose', () =>
      tf.transpose(
        tf.tensor2d(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [2, 3],
          'int32',
        ),
      ),
    );
  });

  test('gather along axes 0 and 1, int32 values, repeated and 2-D indices; an out-of-range index is refused', async () => {
    const idx = () => tf.tensor1d([3, 0, 3, 1], 'int32');
    await assertNativeMatchesCpu('gather', () => [
      tf.gather(r([5, 6], 14), idx()),
      tf.gather(r([2, 5, 3], 15), idx(), 1),
      tf.gather(
        r([5, 6], 16),
        tf.tensor2d(
          [
            [0, 1],
            [4, 4],
          ],
          [2, 2],
          'int32',
        ),
      ),
      tf.gather(
        tf.tensor2d(
          [
            [1, 2],
            [3, 4],
          ],
          [2, 2],
          'int32',
        ),
        tf.tensor1d([1], 'int32'),
      ),
      tf.gather(r([5, 6], 14), tf.tensor1d([], 'int32')),
    ]);
    await initBackend('native');
    assert.throws(
      () => tf.tidy(() => tf.gather(r([5, 6], 14), tf.tensor1d([5], 'int32'))),
      /GatherV2: the index value 5 is not in \[0, 4\]/,
    );
  });

  test('slice, split and concat: strided and contiguous slices, every axis, int32, empty parts', async () => {
    await assertNativeMatchesCpu('slice', () => [
      tf.slice(r([4, 5, 6], 30), [1, 2, 3], [2, 3, 2]),
      tf.slice(r([4, 5, 6], 30), [0, 1, 0], [4, 2, 6]),
      tf.slice(r([4, 5, 6], 30), [1, 0, 0], [2, -1, -1]),
      tf.slice(r([2, 3, 4, 5, 6], 31), [1, 0, 2, 1, 0], [1, 3, 2, 4, 6]),
      tf.slice(r([4, 5], 32), [1, 1], [0, 2]),
      tf.slice(
        tf.tensor2d(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [2, 3],
          'int32',
        ),
        [0, 1],
        [2, 2],
      ),
    ]);
    await assertNativeMatchesCpu('split', () => [
      ...tf.split(r([3, 4, 12], 33), 3, 2),
      ...tf.split(r([3, 4, 12], 33), [1, 3], 1),
      ...tf.split(r([6, 2], 34), [2, 0, 4], 0),
    ]);
    await assertNativeMatchesCpu('concat', () => [
      tf.concat([r([3, 4, 2], 35), r([3, 4, 5], 36)], 2),
      tf.concat([r([3, 4, 2], 35), r([3, 1, 2], 37), r([3, 0, 2], 38)], 1),
      tf.concat([r([2, 3], 39), r([1, 3], 40)], 0),
      tf.concat([tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3], 'int32')]),
    ]);
  });

  test('unsortedSegmentSum: repeated ids, 2-D rows, ids outside the segments dropped', async () => {
    await assertNativeMatchesCpu('unsortedSegmentSum', () => [
      tf.unsortedSegmentSum(r([6, 5], 17), tf.tensor1d([2, 0, 2, 3, 0, 2], 'int32'), 4),
      tf.unsortedSegmentSum(r([6, 2, 3], 18), tf.tensor1d([1, 1, 0, 0, 1, 1], 'int32'), 3),
      tf.unsortedSegmentSum(r([3], 19), tf.tensor1d([0, 1, 1], 'int32'), 2),
    ]);
  });

  test('fused GELU (tanh and erf forms): values and gradients match the composed tfjs ops on cpu', async () => {
    const composed = {
      tanh: (x: tf.Tensor) =>
        tf.mul(
          tf.mul(x, 0.5),
          tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), Math.sqrt(2 / Math.PI)))),
        ),
      erf: (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
    };
    for (const form of ['tanh', 'erf'] as const) {
      const gelu = (x: tf.Tensor) => (tf.getBackend() === 'native' ? fusedGelu(x, form)! : composed[form](x));
      await assertNativeMatchesCpu(`gelu ${form}`, () => {
        const x = r([7, 300], 41, 4);
        const dy = r([7, 300], 42);
        return [gelu(x), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gelu(v), dy)))(x), gelu(r([0, 4], 1))];
      });
    }
    await initBackend('cpu');
    const zeros = tf.zeros([2]);
    assert.equal(fusedGelu(zeros, 'tanh'), null, 'off the native backend the caller composes the ops');
    zeros.dispose();
  });

  test('fused LayerNorm: values and gradients (x, weight, bias) match the composed tfjs ops on cpu', async () => {
    const composed = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number) => {
      const mean = tf.mean(x, -1, true);
      const centered = tf.sub(x, mean);
      const normed = tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), eps)));
      return tf.add(tf.mul(normed, w), b);
    };
    for (const eps of [1e-5, 1e-12]) {
      const ln = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.getBackend() === 'native' ? fusedLayerNorm(x, w, b, eps)! : composed(x, w, b, eps);
      await assertNativeMatchesCpu(`layerNorm eps ${eps}`, () => {
        const x = tf.add(r([3, 5, 96], 43, 2), 0.5);
        const w = r([96], 44);
        const b = r([96], 45);
        const dy = r([3, 5, 96], 46);
        return [
          ln(x, w, b),
          ...tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(ln(a, c, d), dy)))([x, w, b]),
        ];
      });
    }
  });

  test('fill: float32 zeros and values, int32 (cpu fallback)', async () => {
    await assertNativeMatchesCpu('fill', () => [
      tf.fill([3, 4], 0),
      tf.fill([2, 2], 2.5),
      tf.fill([0], 1),
      tf.fill([3], 7, 'int32'),
    ]);
  });

  test('fused AdamW update equals the cpu kernel (and the formula) for several steps and weight decays', async () => {
    for (const [step, weightDecay] of [
      [1, 0],
      [7, 0.01],
      [300, 0.1],
    ]) {
      await assertNativeMatchesCpu(`adamw step ${step}`, () =>
        adamwUpdate(
          r([33, 17], 20),
          tf.mul(r([33, 17], 21), 0.1),
          tf.abs(tf.mul(r([33, 17], 22), 0.01)),
          r([33, 17], 23),
          { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, step },
        ),
      );
    }
  });

  test('gradients through the native kernels match cpu (matMul, bias, gelu-tanh, layer norm, softmax, gather, cross-entropy)', async () => {
    await assertNativeMatchesCpu('grads', () => {
      const w = r([6, 8], 24, 0.5);
      const bias = r([8], 25);
      const emb = r([10, 6], 26);
      const ids = tf.tensor1d([1, 4, 4, 9, 0, 2], 'int32');
      const f = (wv: tf.Tensor, bv: tf.Tensor, ev: tf.Tensor) => {
        const x = tf.gather(ev, ids); // [6, 6]
        const h = tf.add(tf.matMul(x, wv), bv); // [6, 8]
        const g = tf.mul(
          tf.mul(h, 0.5),
          tf.add(1, tf.tanh(tf.mul(tf.add(h, tf.mul(tf.pow(h, 3), 0.044715)), Math.sqrt(2 / Math.PI)))),
        );
        const mean = tf.mean(g, -1, true);
        const centered = tf.sub(g, mean);
        const normed = tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), 1e-5)));
        const scores = tf.matMul(normed, normed, false, true); // [6, 6]
        const probs = tf.softmax(scores);
        const proj = tf.transpose(tf.slice(tf.concat([normed, normed], 1), [0, 0], [6, 10])); // [10, 6]
        const logits = tf.matMul(probs, proj, false, true); // [6, 10]
        return tf.mean(
          tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10), tf.logSoftmax(logits)), -1)),
        );
      };
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => f(a, b, c))([w, bias, emb]);
    });
  });
});

async function valuesOn(name: 'native' | 'cpu', compute: () => tf.Tensor): Promise<number[]> {
  await initBackend(name);
  return tf.tidy(() => Array.from(compute().dataSync()));
}

describe('native backend registration', { skip }, () => {
  test('the hot kernels run native code, every other cpu kernel is registered for native too', async () => {
    await initBackend('native');
    const nativeNames = [
      'BatchMatMul',
      '_FusedMatMul',
      'Add',
      'Sub',
      'Multiply',
      'RealDiv',
      'Maximum',
      'Minimum',
      'SquaredDifference',
      'Pow',
      'Tanh',
      'Exp',
      'Log',
      'Sqrt',
      'Rsqrt',
      'Square',
      'Neg',
      'Relu',
      'Sigmoid',
      'Abs',
      'Erf',
      'Reciprocal',
      'Sum',
      'Max',
      'Min',
      'Mean',
      'Softmax',
      'Transpose',
      'GatherV2',
      'UnsortedSegmentSum',
      'TunebookAdamW',
      'Slice',
      'SplitV',
      'Concat',
      'TunebookGelu',
      'TunebookGeluGrad',
      'TunebookLayerNorm',
      'TunebookLayerNormGrad',
      'Fill',
    ];
    for (const name of nativeNames) {
      const mine = tf.getKernel(name, 'native');
      assert.ok(mine, `${name} is registered for native`);
      if (tf.getKernel(name, 'cpu'))
        assert.notEqual(
          mine.kernelFunc,
          tf.getKernel(name, 'cpu')!.kernelFunc,
          `${name} on native is not the cpu kernel`,
        );
    }
    const missing = tf
      .getKernelsForBackend('cpu')
      .filter((k) => tf.getKernel(k.kernelName, 'native') == null)
      .map((k) => k.kernelName);
    assert.deepEqual(missing, []);
  });
});
