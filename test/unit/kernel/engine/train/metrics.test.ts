import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  accuracy,
  argmaxRows,
  f1Score,
  perClassScores,
  perplexity,
  RunningMean,
  weightedMean,
  type ClassLabel,
} from '../../../../../kernel/engine/train/metrics';

interface GoldenCase {
  name: string;
  yTrue: ClassLabel[];
  yPred: ClassLabel[];
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  binaryF1?: number;
  posLabel?: ClassLabel;
  perClass: { label: ClassLabel; precision: number; recall: number; f1: number; support: number }[];
}
// Golden: scikit-learn 1.2.1 on fixed arrays (fixtures/gen_metrics_golden.py).
const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'metrics_golden.json'), 'utf8')) as {
  cases: GoldenCase[];
  loss: { values: number[]; weights: number[]; weightedMean: number; mean: number; perplexity: number };
};
const TOLERANCE = 1e-12; // sklearn/numpy sum in a different order; values agree to ~1e-16

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOLERANCE, `${what}: ${actual} vs sklearn ${expected}`);
}

test('accuracy, macro/weighted/binary F1 and per-class scores match sklearn', () => {
  assert.equal(golden.cases.length, 12);
  for (const c of golden.cases) {
    close(accuracy(c.yTrue, c.yPred), c.accuracy, `${c.name} accuracy`);
    close(f1Score(c.yTrue, c.yPred, { average: 'macro' }), c.macroF1, `${c.name} macro F1`);
    close(f1Score(c.yTrue, c.yPred, { average: 'weighted' }), c.weightedF1, `${c.name} weighted F1`);
    if (c.binaryF1 !== undefined)
      close(f1Score(c.yTrue, c.yPred, { average: 'binary', posLabel: c.posLabel }), c.binaryF1, `${c.name} binary F1`);
    const scores = perClassScores(c.yTrue, c.yPred);
    assert.deepEqual(
      scores.map((s) => s.label),
      c.perClass.map((s) => s.label),
      `${c.name} label order`,
    );
    scores.forEach((s, i) => {
      const e = c.perClass[i];
      close(s.precision, e.precision, `${c.name} precision[${s.label}]`);
      close(s.recall, e.recall, `${c.name} recall[${s.label}]`);
      close(s.f1, e.f1, `${c.name} f1[${s.label}]`);
      assert.equal(s.support, e.support);
    });
  }
});

test('loss averaging and perplexity match numpy', () => {
  const { values, weights } = golden.loss;
  const running = new RunningMean();
  values.forEach((v, i) => running.add(v, weights[i]));
  close(running.mean, golden.loss.weightedMean, 'weighted running mean');
  close(weightedMean(values, weights), golden.loss.weightedMean, 'weightedMean');
  close(weightedMean(values), golden.loss.mean, 'mean');
  assert.ok(Math.abs(perplexity(running.mean) / golden.loss.perplexity - 1) < 1e-12);
  assert.equal(running.count, values.length);
  running.reset();
  assert.ok(Number.isNaN(running.mean));
  assert.equal(perplexity(1000), Infinity);
});

test('f1Score refuses a binary average on more than two classes or a missing posLabel', () => {
  assert.throws(() => f1Score([0, 1, 2], [0, 1, 2]), /at most 2 classes/);
  assert.throws(() => f1Score(['a', 'b'], ['a', 'b']), /posLabel 1 is not one of the labels/);
  assert.throws(() => accuracy([1, 2], [1]), /2 true labels but 1 predictions/);
  assert.throws(() => accuracy([], []), /at least one example/);
});

test('argmaxRows picks the first maximum of each row', () => {
  assert.deepEqual(argmaxRows([0.1, 0.9, 0.0, 2, 2, 1, -1, -3, -2], 3), [1, 0, 0]);
  assert.throws(() => argmaxRows([1, 2, 3], 2), /do not split into rows of 2/);
});
