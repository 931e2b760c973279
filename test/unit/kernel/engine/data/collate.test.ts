import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  batchToTensors,
  collateCausalLm,
  collateClassification,
  collatePreference,
} from '../../../../../kernel/engine/data/collate';
import { IGNORE_INDEX } from '../../../../../kernel/engine/data/encode/causalLm';
import { padBatch, paddedLength } from '../../../../../kernel/engine/data/padding';

const X = IGNORE_INDEX;

test('right padding for training, left padding for generation, with attention masks', () => {
  const seqs = [[5, 6, 7], [8]];
  assert.deepEqual(padBatch(seqs, 0), {
    inputIds: [
      [5, 6, 7],
      [8, 0, 0],
    ],
    attentionMask: [
      [1, 1, 1],
      [1, 0, 0],
    ],
  });
  assert.deepEqual(padBatch(seqs, 9, { side: 'left' }), {
    inputIds: [
      [5, 6, 7],
      [9, 9, 8],
    ],
    attentionMask: [
      [1, 1, 1],
      [0, 0, 1],
    ],
  });
  assert.deepEqual(padBatch(seqs, 0, { length: 4 }).inputIds, [
    [5, 6, 7, 0],
    [8, 0, 0, 0],
  ]);
  assert.equal(paddedLength(seqs, { multipleOf: 8 }), 8);
  assert.equal(paddedLength([[1, 2, 3, 4, 5, 6, 7, 8]], { multipleOf: 8 }), 8);
  assert.throws(() => padBatch(seqs, 0, { length: 2 }), /3 tokens does not fit the pad length 2/);
});

test('classification batches pad ids and keep one label per row', () => {
  const batch = collateClassification(
    [
      { inputIds: [2, 10, 3], label: 1 },
      { inputIds: [2, 3], label: 0 },
    ],
    { padTokenId: 0 },
  );
  assert.deepEqual(batch, {
    inputIds: [
      [2, 10, 3],
      [2, 3, 0],
    ],
    attentionMask: [
      [1, 1, 1],
      [1, 1, 0],
    ],
    labels: [1, 0],
  });
  assert.throws(() => collateClassification([], { padTokenId: 0 }), /empty batch/);
});

test('causal LM batches put -100 in labels at padding positions, on either side', () => {
  const examples = [
    { inputIds: [2, 4, 5, 3], labels: [X, X, 5, 3] },
    { inputIds: [2, 6], labels: [X, 6] },
  ];
  assert.deepEqual(collateCausalLm(examples, { padTokenId: 0 }), {
    inputIds: [
      [2, 4, 5, 3],
      [2, 6, 0, 0],
    ],
    attentionMask: [
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ],
    labels: [
      [X, X, 5, 3],
      [X, 6, X, X],
    ],
  });
  const left = collateCausalLm(examples, { padTokenId: 0, side: 'left', multipleOf: 3 });
  assert.deepEqual(left.inputIds, [
    [0, 0, 2, 4, 5, 3],
    [0, 0, 0, 0, 2, 6],
  ]);
  assert.deepEqual(left.labels, [
    [X, X, X, X, 5, 3],
    [X, X, X, X, X, 6],
  ]);
});

test('preference batches pad chosen and rejected to one shared length', () => {
  const batch = collatePreference(
    [
      {
        promptLength: 2,
        chosen: { inputIds: [2, 4, 5, 3], labels: [X, X, 5, 3] },
        rejected: { inputIds: [2, 4, 3], labels: [X, X, 3] },
      },
      {
        promptLength: 1,
        chosen: { inputIds: [2, 7], labels: [X, 7] },
        rejected: { inputIds: [2, 8, 9, 9, 3], labels: [X, 8, 9, 9, 3] },
      },
    ],
    { padTokenId: 0 },
  );
  for (const rows of Object.values(batch)) for (const row of rows) assert.equal(row.length, 5);
  assert.deepEqual(batch.rejectedLabels[0], [X, X, 3, X, X]);
  assert.deepEqual(batch.chosenAttentionMask[1], [1, 1, 0, 0, 0]);
});

test('batches become int32 tensors of the right shapes, and disposing them frees everything', () => {
  const before = tf.memory().numTensors;
  const batch = collateCausalLm(
    [
      { inputIds: [2, 4, 5], labels: [X, 4, 5] },
      { inputIds: [2], labels: [X] },
    ],
    { padTokenId: 0 },
  );
  const tensors = batchToTensors(batch);
  assert.deepEqual(tensors.inputIds.shape, [2, 3]);
  assert.equal(tensors.inputIds.dtype, 'int32');
  assert.deepEqual(tensors.labels.arraySync(), [
    [X, 4, 5],
    [X, X, X],
  ]);
  assert.deepEqual(tensors.attentionMask.arraySync(), [
    [1, 1, 1],
    [1, 0, 0],
  ]);
  const cls = batchToTensors({ inputIds: [[1, 2]], attentionMask: [[1, 1]], labels: [3] });
  assert.deepEqual(cls.labels.shape, [1]);
  assert.equal(cls.labels.dtype, 'int32');
  tf.dispose([...Object.values(tensors), ...Object.values(cls)]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => batchToTensors({ ids: [[1, 2], [3]] }), /row 1 has 1 entries, row 0 has 2/);
});
