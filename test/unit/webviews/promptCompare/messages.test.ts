// The prompt comparison panel's message unions (webviews/promptCompare/messages.ts): both directions reject
// malformed, oversized and unknown messages with a specific reason, and accept well-formed ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_CHARS, parseMessage } from '../../../../webviews/common/parseMessage';
import { PromptCompareFromWebview, PromptCompareToWebview } from '../../../../webviews/promptCompare/messages';

const sampling = { maxNewTokens: 16, temperature: 0.7 };

describe('prompt comparison messages', () => {
  const variant = { id: 'A', template: 'Q: {{input}}', model: 'tiny', sampling };
  it('accepts well-formed messages both ways', () => {
    for (const m of [
      { type: 'promptCompare/ready' },
      {
        type: 'promptCompare/run',
        runId: 'r1',
        variants: [variant],
        rows: [{ input: 'x' }, { input: 'y', expected: 'z' }],
      },
      { type: 'promptCompare/cancel', runId: 'r1' },
      { type: 'promptCompare/loadRows', source: 'variable', variable: 'inputs' },
      {
        type: 'promptCompare/rate',
        row: 0,
        column: 1,
        rating: -1,
        prompt: 'p',
        completion: 'c',
        variant: 'B',
        input: 'x',
      },
      {
        type: 'promptCompare/export',
        format: 'csv',
        rows: [
          { variant: 'A', template: 't', model: 'tiny', input: 'x', output: 'o', score: 1, latencyMs: 12.5, tokens: 4 },
        ],
      },
    ])
      assert.equal(parseMessage(PromptCompareFromWebview, m).ok, true, m.type);
    for (const m of [
      { type: 'promptCompare/models', models: ['tiny'], notebook: 'a.ftnb' },
      { type: 'promptCompare/rows', rows: [{ input: 'x' }], origin: 'inputs.jsonl' },
      { type: 'promptCompare/cell', runId: 'r1', cell: { row: 0, column: 0, text: 'he', done: false } },
      { type: 'promptCompare/runState', runId: 'r1', running: false },
      { type: 'promptCompare/rated', row: 0, column: 0, rating: 1 },
      { type: 'promptCompare/error', message: 'x' },
    ])
      assert.equal(parseMessage(PromptCompareToWebview, m).ok, true, m.type);
  });

  it('rejects malformed, unknown and oversized messages', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        {
          type: 'promptCompare/rate',
          row: 0,
          column: 0,
          rating: 2,
          prompt: 'p',
          completion: 'c',
          variant: 'A',
          input: 'x',
        },
        /message\.rating must be one of 1, -1/,
      ],
      [
        {
          type: 'promptCompare/run',
          runId: 'r',
          variants: [{ ...variant, sampling: { maxNewTokens: 0, temperature: 0 } }],
          rows: [],
        },
        /message\.variants\[0\]\.sampling\.maxNewTokens must be at least 1/,
      ],
      [
        { type: 'promptCompare/run', runId: 'r', variants: new Array(13).fill(variant), rows: [] },
        /message\.variants has 13 items, more than 12/,
      ],
      [
        { type: 'promptCompare/run', runId: 'r', variants: [variant], rows: [{ input: 1 }] },
        /message\.rows\[0\]\.input must be a string/,
      ],
      [{ type: 'promptCompare/loadRows', source: 'web' }, /message\.source must be one of "jsonl", "variable"/],
      [{ type: 'promptCompare/eval' }, /"promptCompare\/eval" is not a known message/],
      [[{ type: 'promptCompare/ready' }], /must be a message object, got an array/],
    ];
    for (const [raw, expected] of cases) {
      const r = parseMessage(PromptCompareFromWebview, raw);
      assert.equal(r.ok, false, JSON.stringify(raw).slice(0, 80));
      assert.match((r as { error: string }).error, expected);
    }
    const big = parseMessage(PromptCompareToWebview, {
      type: 'promptCompare/cell',
      runId: 'r',
      cell: { row: 0, column: 0, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1), done: true },
    });
    assert.match((big as { error: string }).error, /over the \d+-character limit/);
  });
});
