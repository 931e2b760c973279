import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSchedule, warmupStepsFromRatio, type ScheduleConfig } from '../../../../../kernel/engine/train/schedule';

interface GoldenCase extends ScheduleConfig {
  lrs: number[];
}
// Golden: PyTorch 1.13 LambdaLR with HF transformers' lr lambdas (fixtures/gen_schedule_golden.py).
const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'schedule_golden.json'), 'utf8')) as {
  cases: GoldenCase[];
};

test('constant and linear schedules equal the PyTorch/HF golden values bit for bit', () => {
  const cases = golden.cases.filter((c) => c.kind !== 'cosine');
  assert.ok(cases.length >= 16);
  for (const { lrs, ...config } of cases) {
    const schedule = createSchedule(config);
    lrs.forEach((expected, step) =>
      assert.equal(schedule.lrAt(step), expected, `${JSON.stringify(config)} step ${step}`),
    );
  }
});

test('cosine schedules match the PyTorch/HF golden values within 1e-15 relative (libm cos may differ by an ulp)', () => {
  const cases = golden.cases.filter((c) => c.kind === 'cosine');
  assert.ok(cases.length >= 8);
  for (const { lrs, ...config } of cases) {
    const schedule = createSchedule(config);
    lrs.forEach((expected, step) => {
      const actual = schedule.lrAt(step);
      assert.ok(
        Math.abs(actual - expected) <= 1e-15 * config.learningRate,
        `${JSON.stringify(config)} step ${step}: ${actual} vs ${expected}`,
      );
    });
  }
});

test('warmup starts at 0 and reaches the peak learning rate at warmupSteps', () => {
  for (const kind of ['constant', 'linear', 'cosine'] as const) {
    const schedule = createSchedule({ kind, learningRate: 0.01, warmupSteps: 4, totalSteps: 20 });
    assert.equal(schedule.lrAt(0), 0);
    assert.equal(schedule.lrAt(2), 0.005);
    assert.equal(schedule.lrAt(4), 0.01);
  }
});

test('config is normalised with HF defaults and is JSON round-trippable', () => {
  const schedule = createSchedule({ kind: 'cosine', learningRate: 1e-4, totalSteps: 10 });
  assert.deepEqual(schedule.config, {
    kind: 'cosine',
    learningRate: 1e-4,
    warmupSteps: 0,
    totalSteps: 10,
    numCycles: 0.5,
  });
  const again = createSchedule(JSON.parse(JSON.stringify(schedule.config)));
  for (let step = 0; step < 12; step++) assert.equal(again.lrAt(step), schedule.lrAt(step));
});

test('bad schedule configs are rejected with the field named', () => {
  assert.throws(() => createSchedule({ kind: 'linear', learningRate: 1e-3 }), /needs totalSteps/);
  assert.throws(
    () => createSchedule({ kind: 'cosine', learningRate: 1e-3, totalSteps: -1 }),
    /totalSteps must be an integer >= 0/,
  );
  assert.throws(() => createSchedule({ kind: 'constant', learningRate: NaN }), /learningRate/);
  assert.throws(
    () => createSchedule({ kind: 'exponential' as never, learningRate: 1 }),
    /kind must be one of constant, linear, cosine/,
  );
  assert.throws(() => createSchedule({ kind: 'constant', learningRate: 1, warmupSteps: 1.5 }), /warmupSteps/);
  assert.throws(() => createSchedule({ kind: 'constant', learningRate: 1 }).lrAt(-1), /step must be an integer >= 0/);
});

test('warmupStepsFromRatio rounds up like TrainingArguments.get_warmup_steps', () => {
  assert.equal(warmupStepsFromRatio(0.1, 95), 10);
  assert.equal(warmupStepsFromRatio(0.06, 1000), 60);
  assert.equal(warmupStepsFromRatio(0, 1000), 0);
  assert.throws(() => warmupStepsFromRatio(1.5, 10), /warmup ratio/);
});
