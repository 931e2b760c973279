// The training loop: an accumulated step over k micro-batches equals one step on their sum; clipping caps the
// applied gradient at maxGradNorm; a stop mid-window applies nothing and rewinds the RNG; a NaN loss is refused
// before any update; finish() frees the optimizer's tensors and stores trainingStats; a frozen model is refused.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import type { Model } from '../../../../../kernel/engine/models/model';
import { KERNEL_BRIDGE_KEY, type KernelBridge } from '../../../../../kernel/engine/runtime/kernelBridge';
import {
  runTrainingLoop,
  startTrainingLoop,
  type TrainingLoop,
  type TrainingLoopOptions,
} from '../../../../../kernel/engine/train/loop';
import { Rng } from '../../../../../kernel/engine/train/rng';
import { TrainerError } from '../../../../../kernel/engine/train/trainerError';
import { trainingStats } from '../../../../../kernel/engine/train/trainingStats';
import { freeze } from '../../../../../kernel/engine/tuners/freeze';
import { useTestBackend } from '../models/testBackend';

/** The native rung's GEMM (OpenBLAS) sums in another order than tfjs's loops: the same identities hold to 1e-5. */
function sumTolerance(): number {
  return tf.getBackend() === 'native' ? 1e-5 : 1e-6;
}
import { TINY_GPT2 } from './trainerFakes';

before(useTestBackend);

const rows = [
  [1, 2, 3, 4],
  [5, 6, 7, 8],
  [9, 10, 11, 12],
  [2, 4, 6, 8],
];

/** Mean next-token cross-entropy of `batch` rows, scaled by `scale` (so micro-batch losses sum to the window's). */
function lmLoss(model: Model, batch: number[][], scale: number): tf.Scalar {
  const logits = model.logits(batch) as tf.Tensor3D; // [B, T, V]
  const [B, T, V] = logits.shape;
  const predicted = tf.reshape(tf.slice(logits, [0, 0, 0], [B, T - 1, V]), [B * (T - 1), V]);
  const targets = tf.oneHot(
    tf.tensor1d(
      batch.flatMap((r) => r.slice(1)),
      'int32',
    ),
    V,
  );
  const nll = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(predicted))));
  return tf.mul(nll, scale) as tf.Scalar;
}

function options(model: Model, extra: Partial<TrainingLoopOptions> = {}): TrainingLoopOptions {
  return { model, variables: model.trainableVariables(), optimizer: { lr: 1e-2 }, what: 'test', ...extra };
}

function weights(model: Model): Map<string, Float32Array> {
  return new Map([...model.params].map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let max = 0;
  for (const [name, x] of a) x.forEach((v, i) => (max = Math.max(max, Math.abs(v - b.get(name)![i]))));
  return max;
}

test('an accumulated step over two micro-batches equals one step on the whole batch (float32 sums: 1e-6)', async () => {
  const whole = create(TINY_GPT2, { seed: 3 });
  const split = create(TINY_GPT2, { seed: 3 });
  const scale = 1 / (rows.length * 3);
  const a = await runTrainingLoop(options(whole), async (loop) => loop.stepAsync(() => lmLoss(whole, rows, scale)));
  const b = await runTrainingLoop(options(split), async (loop) =>
    loop.accumulatedStep(2, (i) => lmLoss(split, rows.slice(2 * i, 2 * i + 2), scale)),
  );
  assert.notEqual(b, 'interrupted');
  if (b === 'interrupted') return;
  assert.ok(Math.abs(a.loss - b.loss) <= sumTolerance(), `loss ${a.loss} vs ${b.loss}`);
  assert.ok(Math.abs(a.gradNorm - b.gradNorm) <= 1e-5 * a.gradNorm, `grad norm ${a.gradNorm} vs ${b.gradNorm}`);
  assert.ok(
    maxDiff(weights(whole), weights(split)) <= sumTolerance(),
    `weights differ by ${maxDiff(weights(whole), weights(split))}`,
  );
  whole.dispose();
  split.dispose();
});

test('clipping to maxGradNorm equals stepping on the gradients scaled by maxGradNorm / (norm + 1e-6) (1e-6)', async () => {
  const clipped = create(TINY_GPT2, { seed: 4 });
  const scaled = create(TINY_GPT2, { seed: 4 });
  const free = create(TINY_GPT2, { seed: 4 });
  const maxGradNorm = 1e-2;
  const losses = [
    (m: Model, s: number) => lmLoss(m, rows, s / 12),
    (m: Model, s: number) => lmLoss(m, rows.slice(0, 2), (50 * s) / 6),
  ];
  const norms = await runTrainingLoop(options(clipped, { maxGradNorm }), async (loop) => {
    const seen: number[] = [];
    for (const loss of losses) seen.push((await loop.stepAsync(() => loss(clipped, 1))).gradNorm);
    return seen;
  });
  assert.ok(
    norms.every((n) => n > 10 * maxGradNorm),
    `the norms ${norms} are above the clip`,
  );
  // the reference: no clipping in the loop, the loss itself scaled by the clip coefficient (scales its gradient)
  await runTrainingLoop(options(scaled), async (loop) => {
    for (const [i, loss] of losses.entries()) await loop.stepAsync(() => loss(scaled, maxGradNorm / (norms[i] + 1e-6)));
  });
  await runTrainingLoop(options(free), async (loop) => {
    for (const loss of losses) await loop.stepAsync(() => loss(free, 1));
  });
  assert.ok(
    maxDiff(weights(clipped), weights(scaled)) <= sumTolerance(),
    `clipped vs scaled differ by ${maxDiff(weights(clipped), weights(scaled))}`,
  );
  assert.ok(maxDiff(weights(clipped), weights(free)) > 1e-5, 'clipping changed the update');
  for (const m of [clipped, scaled, free]) m.dispose();
});

test('a stop between micro-batches applies nothing and rewinds the RNG', async () => {
  const model = create(TINY_GPT2, { seed: 5 });
  const before = weights(model);
  const controller = new AbortController();
  const rng = Rng.fromSeed(9);
  const rngBefore = JSON.stringify(rng.getState());
  const result = await runTrainingLoop(options(model, { signal: controller.signal }), async (loop) =>
    loop.accumulatedStep(
      3,
      (i) => {
        rng.nextFloat();
        if (i === 0) controller.abort();
        return lmLoss(model, rows.slice(i, i + 1), 0.1);
      },
      { rng },
    ),
  );
  assert.equal(result, 'interrupted');
  assert.equal(maxDiff(weights(model), before), 0);
  assert.equal(JSON.stringify(rng.getState()), rngBefore);
  model.dispose();
});

test('the kernel interrupt and options.signal both stop the loop; it rejects with the signal reason, the chart ends as interrupted', async () => {
  const model = create(TINY_GPT2, { seed: 6 });
  const kernel = new AbortController();
  (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] = {
    currentSignal: () => kernel.signal,
  } as unknown as KernelBridge;
  try {
    const reason = new Error('stop button');
    let chart: TrainingLoop['progress'];
    await assert.rejects(
      runTrainingLoop(options(model, { progress: { totalSteps: 5, title: 't' } }), async (loop) => {
        chart = loop.progress;
        assert.equal(loop.stopRequested, false);
        kernel.abort(reason);
        assert.equal(loop.stopRequested, true);
        await loop.yieldAndCheck();
      }),
      (e) => e === reason,
    );
    assert.equal(chart!.snapshot().status, 'interrupted');
  } finally {
    delete (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY];
  }
  const own = new AbortController();
  own.abort(new Error('own signal'));
  await assert.rejects(
    runTrainingLoop(options(model, { signal: own.signal }), async (loop) => loop.throwIfStopped()),
    /own signal/,
  );
  model.dispose();
});

test('a NaN loss is refused before any update; finish frees the optimizer and stores trainingStats', async () => {
  const model = create(TINY_GPT2, { seed: 7 });
  const tensors = tf.memory().numTensors;
  await runTrainingLoop(options(model), async (loop) => {
    await loop.stepAsync(() => lmLoss(model, rows, 0.05));
  });
  assert.equal(tf.memory().numTensors, tensors, 'moments, gradients and start snapshots are freed');
  assert.equal(trainingStats(model)?.steps, 1);
  const afterOne = weights(model);
  await assert.rejects(
    runTrainingLoop(options(model), async (loop) => {
      await loop.stepAsync(() => tf.mul(lmLoss(model, rows, 1), NaN) as tf.Scalar);
    }),
    (e: Error) => e instanceof TrainerError && /loss became NaN at step 1; the model was not updated/.test(e.message),
  );
  assert.equal(maxDiff(weights(model), afterOne), 0);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(trainingStats(model)?.steps, 0, 'the failed run is what trainingStats describes');
  model.dispose();
});

test('a fully frozen model is refused before the first step', async () => {
  const model = create(TINY_GPT2, { seed: 8 });
  freeze(model, [...model.params.keys()]);
  assert.throws(() => startTrainingLoop(options(model)), /no trainable parameters/);
  model.dispose();
});
