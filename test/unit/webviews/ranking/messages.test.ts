// The ranking panel's message unions (webviews/ranking/messages.ts): both directions reject malformed,
// oversized and unknown messages with a specific reason, and accept well-formed ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_CHARS, parseMessage } from '../../../../webviews/common/parseMessage';
import { RankingFromWebview, RankingToWebview } from '../../../../webviews/ranking/messages';

const sampling = { maxNewTokens: 16, temperature: 0.7 };

describe('ranking panel messages', () => {
  it('accepts well-formed messages both ways', () => {
    for (const m of [
      { type: 'ranking/ready' },
      { type: 'ranking/submit', index: 0, ranks: [2, 1, 2] },
      { type: 'ranking/skip', index: 3 },
      { type: 'ranking/loadQueue' },
      {
        type: 'ranking/generate',
        model: 'tiny',
        prompt: 'p',
        count: 3,
        sampling: { ...sampling, seed: 4, topK: 5, topP: 0.9 },
      },
      { type: 'ranking/export', format: 'openai', merge: 'borda' },
    ])
      assert.deepEqual(parseMessage(RankingFromWebview, m), { ok: true, message: m }, m.type);
    for (const m of [
      {
        type: 'ranking/show',
        item: { prompt: 'p', candidates: ['a', 'b'], origin: 'q.jsonl:1' },
        progress: { index: 0, total: 2, ranked: 0, skipped: 0 },
        annotator: 'me',
      },
      { type: 'ranking/idle', message: 'done' },
      { type: 'ranking/models', models: ['tiny'] },
      { type: 'ranking/saved', file: '.tunebook/rankings.jsonl', pairs: 3 },
    ])
      assert.equal(parseMessage(RankingToWebview, m).ok, true, m.type);
  });

  it('rejects an unknown type, naming the known ones', () => {
    const r = parseMessage(RankingFromWebview, { type: 'ranking/delete', index: 0 });
    assert.equal(r.ok, false);
    assert.match(
      !r.ok ? r.error : '',
      /"ranking\/delete" is not a known message \(known: ranking\/ready, ranking\/submit/,
    );
    assert.match(
      (parseMessage(RankingFromWebview, { index: 0 }) as { error: string }).error,
      /message\.type must be a string/,
    );
  });

  it('rejects malformed messages with the JSON path of the problem', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /must be a message object/],
      ['not json', /must be a message object/],
      [{ type: 'ranking/submit', index: -1, ranks: [1, 2] }, /message\.index must be at least 0/],
      [{ type: 'ranking/submit', index: 0, ranks: [1, 'x'] }, /message\.ranks\[1\] must be a finite number/],
      [{ type: 'ranking/submit', index: 0, ranks: [1, 1.5] }, /message\.ranks\[1\] must be an integer/],
      [{ type: 'ranking/submit', index: 0, ranks: [1, 10] }, /message\.ranks\[1\] must be at most 9/],
      [{ type: 'ranking/submit', index: 0, ranks: new Array(10).fill(1) }, /message\.ranks has 10 items, more than 9/],
      [{ type: 'ranking/submit', index: 0, ranks: [1, 2], extra: true }, /message\.extra is not expected/],
      [{ type: 'ranking/generate', model: '', prompt: 'p', count: 3, sampling }, /message\.model must not be empty/],
      [{ type: 'ranking/generate', model: 'm', prompt: 'p', count: 1, sampling }, /message\.count must be at least 2/],
      [
        { type: 'ranking/generate', model: 'm', prompt: 'p', count: 3, sampling: { temperature: 1 } },
        /message\.sampling\.maxNewTokens must be a finite number/,
      ],
      [{ type: 'ranking/export', format: 'csv', merge: 'none' }, /message\.format must be one of "trl", "openai"/],
    ];
    for (const [raw, expected] of cases) {
      const r = parseMessage(RankingFromWebview, raw);
      assert.equal(r.ok, false, JSON.stringify(raw)?.slice(0, 80));
      assert.match((r as { error: string }).error, expected);
    }
  });

  it('drops oversized messages before looking at their shape', () => {
    const huge = { type: 'ranking/generate', model: 'm', prompt: 'x'.repeat(MAX_MESSAGE_CHARS), count: 3, sampling };
    const r = parseMessage(RankingFromWebview, huge);
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /over the \d+-character limit/);
    // Under the global limit but over the field's own limit.
    const long = parseMessage(RankingFromWebview, { ...huge, prompt: 'x'.repeat(100_001) });
    assert.match((long as { error: string }).error, /message\.prompt is longer than 100000 characters/);
  });

  it('the view rejects a show message with too many candidates for the number keys', () => {
    const r = parseMessage(RankingToWebview, {
      type: 'ranking/show',
      item: { prompt: 'p', candidates: new Array(10).fill('c'), origin: 'o' },
      progress: { index: 0, total: 1, ranked: 0, skipped: 0 },
      annotator: 'a',
    });
    assert.match((r as { error: string }).error, /message\.item\.candidates has 10 items, more than 9/);
  });
});

describe('ranking panel RLHF job messages', () => {
  it('accepts well-formed job messages both ways', () => {
    for (const m of [
      { type: 'ranking/trainRewardModel' },
      { type: 'ranking/optimisePolicy', lora: true },
      { type: 'ranking/cancelJob' },
    ]) {
      assert.deepEqual(parseMessage(RankingFromWebview, m), { ok: true, message: m }, m.type);
    }
    for (const m of [
      { type: 'ranking/jobStarted', job: 'rewardModel', label: 'Training a reward model on tiny' },
      { type: 'ranking/jobProgress', job: 'policy', step: 3, totalSteps: 10, loss: 0.69 },
      { type: 'ranking/jobEnded', job: 'rewardModel', outcome: 'done', message: 'held-out accuracy 0.75' },
      { type: 'ranking/jobEnded', job: 'policy', outcome: 'cancelled', message: '' },
    ])
      assert.deepEqual(parseMessage(RankingToWebview, m), { ok: true, message: m }, m.type);
  });

  it('rejects malformed job messages with the JSON path of the problem', () => {
    const from: Array<[unknown, RegExp]> = [
      [{ type: 'ranking/optimisePolicy' }, /message\.lora must be true or false/],
      [{ type: 'ranking/optimisePolicy', lora: 'yes' }, /message\.lora must be true or false/],
      [{ type: 'ranking/trainRewardModel', backbone: 'x' }, /message\.backbone is not expected/],
      [{ type: 'ranking/cancelJob', job: 'policy' }, /message\.job is not expected/],
    ];
    for (const [raw, expected] of from) {
      const r = parseMessage(RankingFromWebview, raw);
      assert.equal(r.ok, false, JSON.stringify(raw));
      assert.match((r as { error: string }).error, expected);
    }
    const to: Array<[unknown, RegExp]> = [
      [{ type: 'ranking/jobStarted', job: 'ppo', label: 'x' }, /message\.job must be one of "rewardModel", "policy"/],
      [
        { type: 'ranking/jobProgress', job: 'policy', step: 0, totalSteps: 10, loss: 1 },
        /message\.step must be at least 1/,
      ],
      [
        { type: 'ranking/jobProgress', job: 'policy', step: 1.5, totalSteps: 10, loss: 1 },
        /message\.step must be an integer/,
      ],
      [
        { type: 'ranking/jobProgress', job: 'policy', step: 1, totalSteps: 10, loss: NaN },
        /message\.loss must be a finite number/,
      ],
      [
        { type: 'ranking/jobEnded', job: 'policy', outcome: 'crashed', message: 'x' },
        /message\.outcome must be one of "done", "failed", "cancelled"/,
      ],
      [
        { type: 'ranking/jobEnded', job: 'policy', outcome: 'failed', message: 'x'.repeat(2001) },
        /message\.message is longer than 2000 characters/,
      ],
    ];
    for (const [raw, expected] of to) {
      const r = parseMessage(RankingToWebview, raw);
      assert.equal(r.ok, false, JSON.stringify(raw));
      assert.match((r as { error: string }).error, expected);
    }
  });
});
