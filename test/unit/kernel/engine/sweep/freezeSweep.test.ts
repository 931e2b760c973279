// sweepFreeze: every run starts from the pretrained weights (each row equals an independent run on a fresh copy),
// trainable parameters follow the frozen blocks, the feature run equals embed + logistic regression, the model
// is restored, nothing leaks, and the table and chart are drawn through the kernel bridge.
import { afterEach, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { addClassificationHead } from '../../../../../kernel/engine/heads/addHead';
import { embed } from '../../../../../kernel/engine/features/embed';
import { logisticRegression } from '../../../../../kernel/engine/features/logisticRegression';
import { KERNEL_BRIDGE_KEY } from '../../../../../kernel/engine/runtime/kernelBridge';
import { train } from '../../../../../kernel/engine/train/trainer';
import { freeze } from '../../../../../kernel/engine/tuners/freeze';
import { sweepFreeze } from '../../../../../kernel/engine/sweep/freezeSweep';
import { sweepChartSvg } from '../../../../../kernel/engine/sweep/sweepChart';
import { gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);
afterEach(() => delete (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY]);

const SEED = 5;
function pretrained() {
  const model = create(TINY_GPT2, { seed: SEED });
  model.tokenizer = gpt2Like();
  return model;
}

const subjects = ['the cat', 'a dog', 'the mat', 'a cat', 'the dog'];
const data = {
  train: subjects.flatMap((s) => [
    { text: `${s} is good`, label: 'pos' },
    { text: `${s} is bad`, label: 'neg' },
  ]),
  eval: [
    { text: 'good cat', label: 'pos' },
    { text: 'bad dog', label: 'neg' },
    { text: 'the mat is good', label: 'pos' },
    { text: 'a dog is bad', label: 'neg' },
  ],
};
const opts = { epochs: 2, batchSize: 4, learningRate: 1e-2 };

test('each configuration equals an independent run from fresh pretrained weights; counts and restoration hold', async () => {
  const model = pretrained();
  const drawn: Array<{ kind: string; value: unknown }> = [];
  const handle = { outputId: 'x', update: () => undefined };
  (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] = {
    currentSignal: () => undefined,
    display: Object.assign(() => handle, {
      table: (value: unknown) => (drawn.push({ kind: 'table', value }), handle),
      html: (value: unknown) => (drawn.push({ kind: 'html', value }), handle),
      markdown: () => handle,
      json: () => handle,
      image: () => handle,
    }),
  };
  const weightsBefore = [...model.params.values()].map((v) => v.arraySync());
  const tensorsBefore = tf.memory().numTensors;
  const result = await sweepFreeze(model, data, { ...opts, seed: 3 });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'snapshots, heads and optimizers are disposed');
  assert.equal(result.numBlocks, 2);
  assert.deepEqual(
    result.rows.map((r) => r.method),
    ['full (k=0)', 'freeze k=1', 'freeze k=2', 'head only', 'features + LR'],
  );
  [...model.params.values()].forEach((v, i) =>
    assert.deepEqual(v.arraySync(), weightsBefore[i], 'pretrained weights restored'),
  );
  assert.ok(
    [...model.params.values()].every((v) => v.trainable),
    'trainable flags restored',
  );

  // Independent reference runs, each on a freshly created copy of the pretrained model.
  for (const [i, k] of [0, 1, 2].entries()) {
    const fresh = pretrained();
    const head = addClassificationHead(fresh, { numLabels: 2, seed: 3 });
    if (k > 0) freeze(head, { firstBlocks: k });
    const ref = await train(head, data.train, {
      ...opts,
      seed: 3,
      evalData: data.eval,
      labels: ['neg', 'pos'],
      progress: false,
    });
    const row = result.rows[i];
    assert.equal(row.trainableParams, ref.trainableParams, `k=${k} trainable params`);
    assert.equal(row.accuracy, ref.finalEval!.eval_accuracy, `k=${k} accuracy`);
    assert.ok(
      Math.abs(row.evalLoss - ref.finalEval!.eval_loss) < 1e-6,
      `k=${k} eval loss ${row.evalLoss} vs ${ref.finalEval!.eval_loss}`,
    );
    head.dispose();
  }
  const [full, k1, k2, headOnly, features] = result.rows;
  assert.ok(
    full.trainableParams > k1.trainableParams &&
      k1.trainableParams > k2.trainableParams &&
      k2.trainableParams > headOnly.trainableParams,
  );
  assert.equal(headOnly.trainableParams, 16 * 2, 'GPT-2 score head: n_embd x numLabels, no bias');
  assert.equal(features.trainableParams, 16 + 1, 'binary logistic regression: d weights + intercept');
  rowsAreFinite(result.rows);

  const fresh = pretrained();
  const classifier = logisticRegression(
    await embed(
      fresh,
      data.train.map((r) => r.text),
    ),
    data.train.map((r) => r.label),
  );
  const refFeatures = classifier.evaluate(
    await embed(
      fresh,
      data.eval.map((r) => r.text),
    ),
    data.eval.map((r) => r.label),
  );
  assert.equal(features.accuracy, refFeatures.accuracy);
  assert.ok(Math.abs(features.evalLoss - refFeatures.logLoss) < 1e-9);

  assert.deepEqual(
    drawn.map((d) => d.kind),
    ['table', 'html'],
  );
  assert.equal((drawn[0].value as unknown[]).length, 5);
  assert.match(String(drawn[1].value), /^<svg[\s\S]*<\/svg>$/);
  assert.equal((result.svg.match(/class="accuracy"/g) ?? []).length, 5);
});

test('ks selects the runs; bad ks and data are refused', async () => {
  const model = pretrained();
  const result = await sweepFreeze(model, data, {
    ...opts,
    epochs: 1,
    ks: [2],
    headOnly: false,
    featureBased: false,
    show: false,
  });
  assert.deepEqual(
    result.rows.map((r) => r.method),
    ['freeze k=2'],
  );
  await assert.rejects(sweepFreeze(model, data, { ks: [3] }), /0\.\.2/);
  await assert.rejects(sweepFreeze(model, { train: [], eval: data.eval }), /data\.train must be a non-empty/);
});

test('the chart escapes labels and scales bars to accuracy', () => {
  const svg = sweepChartSvg([
    { method: '<a>', accuracy: 1, trainSeconds: 2, trainableParams: 1500 },
    { method: 'b', accuracy: 0.5, trainSeconds: 1, trainableParams: 10 },
  ]);
  assert.ok(svg.includes('&lt;a&gt;') && !svg.includes('<a>'));
  const heights = [...svg.matchAll(/class="accuracy"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 2);
  assert.ok(Math.abs(heights[0] - 2 * heights[1]) < 1e-9);
  assert.match(svg, /1\.5k params/);
});

function rowsAreFinite(rows: Array<{ accuracy: number; evalLoss: number; trainSeconds: number }>): void {
  for (const r of rows) assert.ok(Number.isFinite(r.accuracy) && Number.isFinite(r.evalLoss) && r.trainSeconds > 0);
}
