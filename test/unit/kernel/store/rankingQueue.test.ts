import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRankingQueue } from '../../../../kernel/store/rankingQueue';

describe('ranking queue JSONL', () => {
  it('reads one item per line and reports bad lines by number, keeping the good ones', () => {
    const text = [
      '{"prompt":"p1","candidates":["a","b","c"]}',
      '',
      '{"prompt":"p2","candidates":["a"]}',
      'not json',
      '{"prompt":3,"candidates":["a","b"]}',
      '{"prompt":"p3","candidates":["a",2]}',
      '{"prompt":"p4","candidates":["x","y"]}',
    ].join('\n');
    const { items, errors } = parseRankingQueue(text, 'q.jsonl');
    assert.deepEqual(items, [
      { prompt: 'p1', candidates: ['a', 'b', 'c'], line: 1 },
      { prompt: 'p4', candidates: ['x', 'y'], line: 7 },
    ]);
    assert.equal(errors.length, 4);
    assert.match(errors[0], /q\.jsonl line 3: needs 2 to 9 candidates, has 1/);
    assert.match(errors[1], /line 4: not valid JSON/);
    assert.match(errors[2], /line 5: "prompt" must be a string/);
    assert.match(errors[3], /line 6: "candidates" must be an array of strings/);
  });
});
