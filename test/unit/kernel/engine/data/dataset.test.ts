import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../../../../../kernel/engine/data/dataset';
import { LabelMap, compareLabelNames } from '../../../../../kernel/engine/data/labelMap';
import { trainEvalSplit } from '../../../../../kernel/engine/data/split';
import { Rng } from '../../../../../kernel/engine/train/rng';

const numbers = Array.from({ length: 100 }, (_, i) => i);

test('seeded shuffles are reproducible, differ between seeds and keep every item', () => {
  const data = new Dataset(numbers);
  const a = [...data.shuffle(1)];
  assert.deepEqual([...data.shuffle(1)], a);
  assert.notDeepEqual([...data.shuffle(2)], a);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    numbers,
  );
  assert.deepEqual([...data], numbers, 'the source is untouched');
});

test('batches: sizes, dropLast, per-epoch reshuffling from one generator, resumable via RNG state', () => {
  const data = new Dataset(numbers.slice(0, 10));
  assert.deepEqual(
    [...data.batches(4)],
    [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ],
  );
  assert.deepEqual([...data.batches(4, { dropLast: true })].length, 2);
  assert.equal(data.numBatches(4), 3);
  const rng = Rng.fromSeed(5);
  const epoch1 = [...data.batches(3, { shuffle: rng })].flat();
  const saved = rng.getState();
  const epoch2 = [...data.batches(3, { shuffle: rng })].flat();
  assert.notDeepEqual(epoch1, epoch2);
  assert.deepEqual(
    [...data.batches(3, { shuffle: Rng.fromState(saved) })].flat(),
    epoch2,
    'resuming from saved state replays epoch 2',
  );
  assert.throws(() => [...data.batches(0)], /batchSize must be an integer >= 1/);
});

test('train/eval split: seeded, disjoint, complete, sized like sklearn (ceil)', () => {
  const split = trainEvalSplit(numbers, { evalFraction: 0.15, seed: 3 });
  assert.equal(split.eval.length, 15);
  assert.equal(split.train.length, 85);
  assert.deepEqual(
    [...split.train, ...split.eval].sort((x, y) => x - y),
    numbers,
  );
  assert.deepEqual(trainEvalSplit(numbers, { evalFraction: 0.15, seed: 3 }), split);
  assert.notDeepEqual(trainEvalSplit(numbers, { evalFraction: 0.15, seed: 4 }).eval, split.eval);
  assert.equal(trainEvalSplit(numbers, { evalSize: 7 }).eval.length, 7);
  assert.equal(trainEvalSplit(numbers.slice(0, 10), { evalFraction: 0.01 }).eval.length, 1);
  assert.throws(() => trainEvalSplit(numbers, { evalFraction: 1 }), /evalFraction must be in \(0, 1\)/);
  assert.throws(() => trainEvalSplit([1], { evalSize: 1 }), /at least 2 items/);
  assert.throws(() => trainEvalSplit(numbers, {}), /exactly one of evalFraction or evalSize/);
});

test('stratified split keeps class shares (largest remainder) in the eval set', () => {
  // 60 a, 30 b, 10 c; 20% eval -> 12 a, 6 b, 2 c exactly.
  const items = [...Array(60).fill('a'), ...Array(30).fill('b'), ...Array(10).fill('c')].map((label, id) => ({
    id,
    label,
  }));
  const { train, eval: evaluation } = new Dataset(items).split({
    evalFraction: 0.2,
    seed: 11,
    stratify: (x) => x.label,
  });
  const count = (xs: readonly { label: string }[], l: string) => xs.filter((x) => x.label === l).length;
  assert.deepEqual(
    ['a', 'b', 'c'].map((l) => count([...evaluation], l)),
    [12, 6, 2],
  );
  assert.deepEqual(
    ['a', 'b', 'c'].map((l) => count([...train], l)),
    [48, 24, 8],
  );
  // 7 eval of 10 items in classes of 5/3/2 -> quotas 3.5/2.1/1.4 -> 3/2/1 plus the largest remainder (a) -> 4/2/1.
  const small = [...'aaaaabbbcc'].map((label, id) => ({ id, label }));
  const s = trainEvalSplit(small, { evalSize: 7, seed: 1, stratify: (x) => x.label });
  assert.deepEqual(
    ['a', 'b', 'c'].map((l) => count(s.eval, l)),
    [4, 2, 1],
  );
});

test('label maps: strings sorted (numbers by value), integers are ids, fixed names, HF config form', () => {
  const words = LabelMap.fromLabels(['spam', 'ham', 'spam', 'eggs']);
  assert.deepEqual(words.names, ['eggs', 'ham', 'spam']);
  assert.equal(words.idOf('spam'), 2);
  assert.equal(words.idOf('nope'), undefined);
  assert.deepEqual(LabelMap.fromLabels(['10', '2', '1']).names, ['1', '2', '10']);
  const ints = LabelMap.fromLabels([2, 0, 2]);
  assert.deepEqual(ints.names, ['0', '1', '2']);
  assert.equal(ints.idOf(2), 2);
  assert.equal(ints.idOf(3), undefined);
  const fixed = LabelMap.fromNames(['negative', 'positive']);
  assert.equal(fixed.idOf('positive'), 1);
  assert.equal(fixed.idOf(0), 0);
  assert.deepEqual(fixed.toConfig(), {
    id2label: { 0: 'negative', 1: 'positive' },
    label2id: { negative: 0, positive: 1 },
  });
  assert.deepEqual(LabelMap.fromConfig(fixed.toConfig()).names, ['negative', 'positive']);
  assert.equal(LabelMap.fromLabels([1, 'b']).idOf(1), 0, 'mixed int/string labels are all names');
  assert.throws(() => LabelMap.fromLabels([5_000_000]), /class ids 0..n-1/);
  assert.throws(() => LabelMap.fromNames(['a', 'a']), /unique/);
  assert.ok(compareLabelNames('2', 'a') < 0 && compareLabelNames('b', 'a') > 0);
});
