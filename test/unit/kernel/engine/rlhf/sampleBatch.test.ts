// Batched rollouts: prompts of different lengths decode together, a row stops at EOS (kept as its last token) while
// the others run to maxNewTokens, the collated batch's masks cover exactly each completion, and the padded batch
// gives each row what it would get alone (greedy tokens vs model.generate; per-token log-probs vs an unpadded pass).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import type { Model } from '../../../../../kernel/engine/models/model';
import { tokenLogprobs } from '../../../../../kernel/engine/rlhf/logprobs';
import { sampleBatch } from '../../../../../kernel/engine/rlhf/sampleBatch';
import { collateSequences } from '../../../../../kernel/engine/rlhf/sequences';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);

const V = 12;
const EOS = 9;
const PAD = 0;

/** A stand-in LM whose next token is always (current token + 1) mod V, read at every position (padding too). */
function countingLm(): Model {
  const logits = (ids: number[][]) =>
    tf.tidy(() =>
      tf.mul(
        tf.oneHot(
          tf.tensor2d(
            ids.map((row) => row.map((id) => (id + 1) % V)),
            undefined,
            'int32',
          ),
          V,
        ),
        10,
      ),
    );
  return { logits } as unknown as Model;
}

test('a batch of prompts yields completions of different lengths: EOS stops one row early; masks match', async () => {
  const prompts = [[3, 7], [1], [5, 6, 2]];
  const rows = await sampleBatch(countingLm(), prompts, {
    maxNewTokens: 4,
    temperature: 0,
    eosTokenIds: [EOS],
    padId: PAD,
    seeds: [1, 2, 3],
  });
  // 7 → 8 → 9 (EOS, kept); the others count on for 4 tokens (padding, which would give 1s, is never read)
  assert.deepEqual(
    rows.map((r) => r.ids),
    [
      [8, 9],
      [2, 3, 4, 5],
      [3, 4, 5, 6],
    ],
  );
  assert.deepEqual(
    rows.map((r) => r.finishReason),
    ['eos', 'length', 'length'],
  );

  const batch = collateSequences(
    rows.map((r, i) => ({ ids: [...prompts[i], ...r.ids], promptLength: prompts[i].length })),
    PAD,
  );
  assert.deepEqual(batch.completionLengths, [2, 4, 4]);
  assert.deepEqual(batch.ids, [
    [3, 7, 8, 9, 0, 0, 0],
    [1, 2, 3, 4, 5, 0, 0],
    [5, 6, 2, 3, 4, 5, 6],
  ]);
  assert.deepEqual(batch.attentionMask, [
    [1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 1, 1],
  ]);
  // position t predicts token t+1: the completion tokens' predictions only
  assert.deepEqual(batch.actionMask, [
    [0, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 0],
    [0, 0, 1, 1, 1, 1],
  ]);
  // without EOS every row runs to maxNewTokens
  const long = await sampleBatch(countingLm(), prompts, {
    maxNewTokens: 4,
    temperature: 0,
    eosTokenIds: [],
    padId: PAD,
    seeds: [1, 2, 3],
  });
  assert.deepEqual(
    long.map((r) => r.ids.length),
    [4, 4, 4],
  );
  // a row at the context length stops there
  const short = await sampleBatch(countingLm(), [[1, 2, 3]], {
    maxNewTokens: 4,
    temperature: 0,
    eosTokenIds: [],
    padId: PAD,
    seeds: [1],
    maxPositions: 5,
  });
  assert.deepEqual(short, [{ ids: [4, 5], finishReason: 'context' }]);
  await assert.rejects(
    () =>
      sampleBatch(countingLm(), prompts, { maxNewTokens: 4, temperature: 0, eosTokenIds: [], padId: PAD, seeds: [1] }),
    /3 prompts but 1 seeds/,
  );
});

test('on a real GPT-2, batched greedy decoding equals model.generate per prompt; sampling depends on the row seed only', async () => {
  const model = create(TINY_GPT2, { seed: 11 });
  const prompts = [[4, 9, 13, 2, 7], [5], [20, 3, 8]];
  const rows = await sampleBatch(model, prompts, {
    maxNewTokens: 6,
    temperature: 0,
    eosTokenIds: [],
    padId: 0,
    seeds: [1, 2, 3],
  });
  for (const [i, prompt] of prompts.entries()) {
    const alone = await model.generate(prompt, { maxNewTokens: 6, ignoreEos: true });
    assert.deepEqual(rows[i].ids, alone.ids, `row ${i}`);
  }
  const sampled = await sampleBatch(model, prompts, {
    maxNewTokens: 6,
    temperature: 1,
    eosTokenIds: [],
    padId: 0,
    seeds: [7, 8, 9],
  });
  const second = await sampleBatch(model, [prompts[1]], {
    maxNewTokens: 6,
    temperature: 1,
    eosTokenIds: [],
    padId: 0,
    seeds: [8],
  });
  assert.deepEqual(second[0].ids, sampled[1].ids);

  // per-token log-probs of the padded batch equal each sequence's own unpadded pass, and are 0 outside the completion
  const sequences = sampled.map((r, i) => ({
    ids: [...prompts[i], ...r.ids.slice(0, i + 2)],
    promptLength: prompts[i].length,
  }));
  const batched = tokenLogprobs(model, collateSequences(sequences, 0)).arraySync() as number[][];
  for (const [i, s] of sequences.entries()) {
    const own = (tokenLogprobs(model, collateSequences([s], 0)).arraySync() as number[][])[0];
    const n = s.ids.length - 1;
    for (let t = 0; t < batched[i].length; t++) {
      if (t < n)
        assert.ok(Math.abs(batched[i][t] - own[t]) < 1e-5, `row ${i} position ${t}: ${batched[i][t]} vs ${own[t]}`);
      else assert.ok(batched[i][t] === 0, `row ${i} padding position ${t}: ${batched[i][t]}`);
    }
    assert.ok(
      own.slice(s.promptLength - 1).every((v) => v < 0) && own.slice(0, s.promptLength - 1).every((v) => v === 0),
    );
  }
  model.dispose();
});
