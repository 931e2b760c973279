// Pure parts of the prompt comparison panel: templates, input rows, scores, aggregates and exports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCompareRows } from '../../../../webviews/promptCompare/compareRows';
import { gridToCsv, gridToJsonl } from '../../../../webviews/promptCompare/gridExport';
import { applyTemplate } from '../../../../webviews/promptCompare/promptTemplate';
import { columnStats, compileScorerRegex, scoreOutput } from '../../../../webviews/promptCompare/scoring';

describe('prompt templates', () => {
  it('replaces every {{input}} (spaces allowed), appends the input when there is none, and keeps $ patterns literal', () => {
    assert.equal(applyTemplate('Q: {{input}}\nA:', 'why?'), 'Q: why?\nA:');
    assert.equal(applyTemplate('{{ input }} and {{input}}', 'x'), 'x and x');
    assert.equal(applyTemplate('Translate: ', 'hi'), 'Translate: hi');
    assert.equal(applyTemplate('{{input}}', '$& $1 $$'), '$& $1 $$');
  });
});

describe('comparison rows from JSONL', () => {
  it('reads strings and {input|prompt, expected} objects, reporting bad lines', () => {
    const { rows, errors } = parseCompareRows(
      [
        '"plain"',
        '{"input":"a","expected":"b"}',
        '{"prompt":"c"}',
        '{"input":1}',
        'oops',
        '{"input":"d","expected":3}',
        '',
      ].join('\n'),
      'in.jsonl',
    );
    assert.deepEqual(rows, [{ input: 'plain' }, { input: 'a', expected: 'b' }, { input: 'c' }]);
    assert.deepEqual(errors, [
      'in.jsonl line 4: expected a string or an object with a string "input"',
      'in.jsonl line 5: not valid JSON',
      'in.jsonl line 6: "expected" must be a string',
    ]);
  });
});

describe('scores', () => {
  it('exact match and contains compare with the trimmed expected text; no expected text means no score', () => {
    assert.equal(scoreOutput({ kind: 'exact' }, ' 4 \n', '4'), 1);
    assert.equal(scoreOutput({ kind: 'exact' }, '42', '4'), 0);
    assert.equal(scoreOutput({ kind: 'contains' }, 'the answer is 4.', ' 4'), 1);
    assert.equal(scoreOutput({ kind: 'contains' }, 'five', '4'), 0);
    assert.equal(scoreOutput({ kind: 'exact' }, 'x', undefined), undefined);
    assert.equal(scoreOutput({ kind: 'none' }, 'x', 'x'), undefined);
  });

  it('regex tests the output; an invalid pattern gives no score and a reason', () => {
    assert.equal(scoreOutput({ kind: 'regex', pattern: '^\\d+$' }, '123', undefined), 1);
    assert.equal(scoreOutput({ kind: 'regex', pattern: '^\\d+$' }, '12a', undefined), 0);
    assert.equal(scoreOutput({ kind: 'regex', pattern: '(' }, '(', undefined), undefined);
    assert.equal(typeof compileScorerRegex('('), 'string');
    assert.equal(compileScorerRegex(''), 'Enter a regular expression');
  });

  it('column aggregates average over finished cells only', () => {
    const stats = columnStats([
      { done: true, score: 1, latencyMs: 10, tokens: 4 },
      { done: true, score: 0, latencyMs: 30, tokens: 8 },
      { done: false, score: 1, latencyMs: 999, tokens: 99 },
      undefined,
      { done: true, latencyMs: 20, tokens: 0 },
    ]);
    assert.deepEqual(stats, { score: 0.5, meanLatencyMs: 20, meanTokens: 4, totalTokens: 12, done: 3 });
    assert.deepEqual(columnStats([]), {
      score: undefined,
      meanLatencyMs: undefined,
      meanTokens: undefined,
      totalTokens: 0,
      done: 0,
    });
  });
});

describe('grid export', () => {
  const rows = [
    {
      variant: 'A',
      template: 'Q: {{input}}',
      model: 'tiny',
      input: 'say "hi", please',
      expected: '4',
      output: 'line1\nline2',
      score: 1,
      latencyMs: 12.3456,
      tokens: 5,
    },
    { variant: 'B', template: '{{input}}', model: 'tiny', input: '=SUM(A1)', output: ' padded ', error: 'boom' },
  ];
  it('CSV: header, RFC 4180 quoting, formula-looking cells defused, CRLF line ends', () => {
    const csv = gridToCsv(rows);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'variant,model,template,input,expected,output,score,latencyMs,tokens,error');
    assert.equal(lines[1], 'A,tiny,Q: {{input}},"say ""hi"", please",4,"line1\nline2",1,12.346,5,');
    assert.equal(lines[2], 'B,tiny,{{input}},\'=SUM(A1),," padded ",,,,boom');
    assert.equal(lines[3], '');
  });
  it('JSONL: one object per cell, round-trips', () => {
    const text = gridToJsonl(rows);
    assert.deepEqual(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
      rows,
    );
  });
});
