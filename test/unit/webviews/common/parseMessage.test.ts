// parseMessage over the panels' unions: random mutations of valid messages never throw, and are either
// valid or rejected with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage } from '../../../../webviews/common/parseMessage';
import { PromptCompareFromWebview } from '../../../../webviews/promptCompare/messages';
import { RankingFromWebview } from '../../../../webviews/ranking/messages';

describe('parseMessage', () => {
  it('fuzz: random mutations of valid messages never throw and are either valid or rejected with a reason', () => {
    const valid: unknown[] = [
      { type: 'ranking/submit', index: 0, ranks: [2, 1, 3] },
      {
        type: 'promptCompare/rate',
        row: 0,
        column: 1,
        rating: 1,
        prompt: 'p',
        completion: 'c',
        variant: 'B',
        input: 'x',
      },
    ];
    const junk = [null, undefined, -1, 1.5, 1e308, '', 'x', [], {}, true, NaN, Infinity, [1, 'a']];
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    let rejected = 0;
    for (let trial = 0; trial < 500; trial++) {
      const base = structuredClone(valid[trial % valid.length]) as Record<string, unknown>;
      const keys = Object.keys(base);
      base[keys[next() % keys.length]] = junk[next() % junk.length];
      for (const r of [parseMessage(RankingFromWebview, base), parseMessage(PromptCompareFromWebview, base)]) {
        if (!r.ok) assert.ok(r.error.length > 0);
      }
      const parsed =
        trial % 2 === 0 ? parseMessage(RankingFromWebview, base) : parseMessage(PromptCompareFromWebview, base);
      if (!parsed.ok) rejected++;
    }
    // Every junk value except a few that happen to fit (e.g. -1 as a rating) breaks the message.
    assert.ok(rejected > 400, `only ${rejected} of 500 mutations were rejected`);
  });
});
