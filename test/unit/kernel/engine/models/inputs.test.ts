// Bad input gets a specific ModelInputError and leaves nothing allocated; equivalent input forms agree.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import type { Model } from '../../../../../kernel/engine/models/model';
import { ModelInputError } from '../../../../../kernel/engine/models/modelInputError';
import { useTestBackend } from './testBackend';

let gpt2: Model;
let bert: Model;
let vit: Model;
before(async () => {
  await useTestBackend();
  gpt2 = create({ model_type: 'gpt2', vocab_size: 50, n_positions: 8, n_embd: 8, n_layer: 1, n_head: 2 }, { seed: 1 });
  bert = create(
    {
      model_type: 'bert',
      vocab_size: 50,
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 16,
      max_position_embeddings: 8,
    },
    { seed: 1 },
  );
  vit = create(
    {
      model_type: 'vit',
      image_size: 8,
      patch_size: 4,
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 16,
    },
    { seed: 1 },
  );
});
after(() => [gpt2, bert, vit].forEach((m) => m.dispose()));

function rejects(run: () => unknown, pattern: RegExp) {
  const before = tf.memory().numTensors;
  assert.throws(run, (e: Error) => e instanceof ModelInputError && pattern.test(e.message), `expected ${pattern}`);
  assert.equal(tf.memory().numTensors, before, 'a failed call leaves no tensors');
}

describe('token input errors', () => {
  test('ids out of range, not integers, ragged, empty, too long', () => {
    rejects(() => gpt2.logits([[1, 50]]), /input ids\[0\]\[1\] = 50 is not an integer in \[0, 50\)/);
    rejects(() => gpt2.logits([[1, 2.5]]), /input ids\[0\]\[1\] = 2.5/);
    rejects(() => gpt2.logits([[1, 2], [3]]), /rows differ in length \(2 and 1\); pad them and pass an attentionMask/);
    rejects(() => gpt2.logits([]), /non-empty/);
    rejects(() => gpt2.logits([[]]), /no tokens/);
    rejects(() => gpt2.logits([Array(9).fill(1)]), /sequence length 9 exceeds the model's 8 positions/);
    const rank3 = tf.zeros([1, 2, 3]);
    rejects(() => gpt2.logits(rank3), /rank-3/);
    rank3.dispose();
  });

  test('masks and extra ids must match the input shape and the architecture', () => {
    rejects(
      () => bert.logits([[1, 2, 3]], { attentionMask: [[1, 1]] }),
      /attentionMask has shape \[1,2\], the input ids \[1, 3\]/,
    );
    rejects(() => bert.logits([[1, 2, 3]], { attentionMask: [[1, 1, 2]] }), /attentionMask\[0\]\[2\] = 2/);
    rejects(() => gpt2.logits([[1, 2, 3]], { tokenTypeIds: [[0, 0, 0]] }), /tokenTypeIds are only used by BERT/);
  });

  test('pixels: rank, size and channels are checked', () => {
    rejects(() => vit.logits([[1, 2]]), /float tf.Tensor4D \[batch, height, width, channels\] \(NHWC\)/);
    const wrongSize = tf.zeros([1, 16, 16, 3]);
    rejects(() => vit.logits(wrongSize), /image is 16×16, the model expects 8×8/);
    wrongSize.dispose();
    const nchw = tf.zeros([1, 3, 8, 8]);
    rejects(() => vit.logits(nchw), /image is 3×8/);
    nchw.dispose();
  });
});

describe('equivalent inputs', () => {
  test('number[], number[][] and int / float tensors give the same logits', () => {
    tf.tidy(() => {
      const ref = gpt2.logits([[3, 1, 4, 1]]).dataSync();
      assert.deepEqual(gpt2.logits([3, 1, 4, 1]).dataSync(), ref);
      assert.deepEqual(gpt2.logits(tf.tensor2d([[3, 1, 4, 1]], undefined, 'int32')).dataSync(), ref);
      assert.deepEqual(gpt2.logits(tf.tensor2d([[3, 1, 4, 1]])).dataSync(), ref);
    });
  });

  test('an all-ones mask changes nothing; padding keys are ignored by encoders', () => {
    tf.tidy(() => {
      const ref = bert.logits([[5, 6, 7]]).dataSync();
      assert.deepEqual(bert.logits([[5, 6, 7]], { attentionMask: [[1, 1, 1]] }).dataSync(), ref);
      const padded = bert.logits([[5, 6, 7, 0, 0]], { attentionMask: [[1, 1, 1, 0, 0]] }).dataSync();
      padded.forEach((x, i) => assert.ok(Math.abs(x - ref[i]) < 1e-5, `label ${i}: ${x} vs ${ref[i]}`));
    });
  });

  test('a right-padded GPT-2 row equals the unpadded row at its real positions', () => {
    tf.tidy(() => {
      const ref = gpt2.logits([[5, 6, 7]]);
      const padded = gpt2.logits([[5, 6, 7, 0]], { attentionMask: [[1, 1, 1, 0]] });
      const head = tf.slice(padded, [0, 0, 0], [1, 3, -1]);
      assert.ok(tf.max(tf.abs(tf.sub(head, ref))).dataSync()[0] < 1e-5);
    });
  });
});
