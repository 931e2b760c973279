import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng, type RngState } from '../../../../../kernel/engine/train/rng';

interface GoldenCase {
  seed: number;
  initialState: number[];
  uint32: number[];
  floats: number[];
  ints: number[];
  permutation20: number[];
  finalState: number[];
}
// Golden: an independent Python xoshiro128** + splitmix32 (fixtures/gen_rng_golden.py).
const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'rng_golden.json'), 'utf8')) as {
  cases: GoldenCase[];
};
const INT_BOUNDS = [1, 2, 3, 7, 10, 1000, 2 ** 31 + 3, 2 ** 32];

test('the stream matches the independent Python xoshiro128** exactly', () => {
  assert.equal(golden.cases.length, 6);
  for (const c of golden.cases) {
    const rng = Rng.fromSeed(c.seed);
    assert.deepEqual(rng.getState().state, c.initialState, `seed ${c.seed} initial state`);
    assert.deepEqual(
      Array.from({ length: 16 }, () => rng.nextUint32()),
      c.uint32,
      `seed ${c.seed} uint32`,
    );
    assert.deepEqual(
      Array.from({ length: 8 }, () => rng.nextFloat()),
      c.floats,
      `seed ${c.seed} floats`,
    );
    assert.deepEqual(
      INT_BOUNDS.map((n) => rng.nextInt(n)),
      c.ints,
      `seed ${c.seed} ints`,
    );
    assert.deepEqual(rng.permutation(20), c.permutation20, `seed ${c.seed} permutation`);
    assert.deepEqual(rng.getState().state, c.finalState, `seed ${c.seed} final state`);
  }
});

test('state saved mid-stream (through JSON, as in trainer_state.json) resumes the same stream', () => {
  const rng = Rng.fromSeed(7);
  for (let i = 0; i < 13; i++) rng.nextUint32();
  const saved = JSON.parse(JSON.stringify(rng.getState())) as RngState;
  const expected = [rng.nextUint32(), rng.nextFloat(), rng.nextInt(97), rng.nextNormal(), rng.nextSeed()];
  const resumed = Rng.fromState(saved);
  assert.deepEqual(
    [resumed.nextUint32(), resumed.nextFloat(), resumed.nextInt(97), resumed.nextNormal(), resumed.nextSeed()],
    expected,
  );
  const other = Rng.fromSeed(99);
  other.setState(saved);
  assert.equal(other.nextUint32(), expected[0]);
});

test('different seeds give different streams; clone and fork are independent of the parent', () => {
  assert.notDeepEqual(Rng.fromSeed(1).permutation(10), Rng.fromSeed(2).permutation(10));
  const parent = Rng.fromSeed(5);
  const clone = parent.clone();
  assert.equal(clone.nextUint32(), parent.nextUint32());
  const fork = parent.fork();
  const forkValues = Array.from({ length: 4 }, () => fork.nextUint32());
  const parentValues = Array.from({ length: 4 }, () => parent.nextUint32());
  assert.notDeepEqual(forkValues, parentValues);
});

test('uniform floats lie in [0, 1) with mean ~0.5; normals have mean ~0 and variance ~1 (n = 20000, 5 sigma bounds)', () => {
  const rng = Rng.fromSeed(2024);
  const n = 20000;
  let sum = 0;
  let normalSum = 0;
  let normalSq = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.nextFloat();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    const z = rng.nextNormal();
    normalSum += z;
    normalSq += z * z;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(normalSum / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(normalSq / n - 1) < 5 * Math.sqrt(2 / n));
});

test('sampleIndex follows the weights and never picks a zero weight', () => {
  const rng = Rng.fromSeed(3);
  const counts = [0, 0, 0, 0];
  const n = 20000;
  for (let i = 0; i < n; i++) counts[rng.sampleIndex([1, 0, 3, 0])]++;
  assert.equal(counts[1], 0);
  assert.equal(counts[3], 0);
  assert.ok(Math.abs(counts[2] / n - 0.75) < 5 * Math.sqrt((0.75 * 0.25) / n));
  assert.throws(() => rng.sampleIndex([0, 0]), /at least one positive weight/);
  assert.throws(() => rng.sampleIndex([1, -1]), /weight 1 is -1/);
});

test('nextSeed gives non-negative int32 values usable as tfjs op seeds', () => {
  const rng = Rng.fromSeed(11);
  for (let i = 0; i < 1000; i++) {
    const seed = rng.nextSeed();
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31);
  }
});

test('invalid seeds and states are rejected', () => {
  assert.throws(() => Rng.fromSeed(-1), /seed must be an integer/);
  assert.throws(() => Rng.fromSeed(1.5), /seed must be an integer/);
  assert.throws(() => Rng.fromState({ algorithm: 'xoshiro128**', state: [0, 0, 0, 0] }), /not all zero/);
  assert.throws(
    () => Rng.fromState({ algorithm: 'xoshiro128**', state: [1, 2, 3] as never }),
    /four unsigned 32-bit integers/,
  );
  assert.throws(() => Rng.fromState({ algorithm: 'mt19937' as never, state: [1, 2, 3, 4] }), /algorithm xoshiro128/);
  assert.throws(() => Rng.fromSeed(1).nextInt(0), /bound must be an integer/);
});
