import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJsonl, toOpenAiRows, toTrlRows } from '../../../../kernel/store/preferenceExport';
import { makeRankingRecord, makeRatingRecord } from '../../../../kernel/store/preferenceStore';

const ranking = makeRankingRecord({
  prompt: 'Say hi',
  candidates: ['hello', 'hi there', 'go away'],
  ranks: [2, 1, 3],
  annotator: 'a',
});

describe('preference exports', () => {
  it('TRL rows: one prompt/chosen/rejected row per pair a ranking implies', () => {
    assert.deepEqual(toTrlRows([ranking]), [
      { prompt: 'Say hi', chosen: 'hi there', rejected: 'hello' },
      { prompt: 'Say hi', chosen: 'hi there', rejected: 'go away' },
      { prompt: 'Say hi', chosen: 'hello', rejected: 'go away' },
    ]);
  });

  it('OpenAI preference rows: input messages, preferred_output and non_preferred_output', () => {
    const [first] = toOpenAiRows([ranking]);
    assert.deepEqual(first, {
      input: { messages: [{ role: 'user', content: 'Say hi' }] },
      preferred_output: [{ role: 'assistant', content: 'hi there' }],
      non_preferred_output: [{ role: 'assistant', content: 'hello' }],
    });
    assert.equal(toOpenAiRows([ranking]).length, 3);
  });

  it('ratings of the same prompt pair every thumbs up with every thumbs down', () => {
    const rows = toTrlRows([
      makeRatingRecord({ prompt: 'P', completion: 'good', rating: 1, annotator: 'a' }),
      makeRatingRecord({ prompt: 'P', completion: 'bad', rating: -1, annotator: 'a' }),
      makeRatingRecord({ prompt: 'P', completion: 'worse', rating: -1, annotator: 'b' }),
      makeRatingRecord({ prompt: 'Q', completion: 'alone', rating: 1, annotator: 'a' }),
    ]);
    assert.deepEqual(rows, [
      { prompt: 'P', chosen: 'good', rejected: 'bad' },
      { prompt: 'P', chosen: 'good', rejected: 'worse' },
    ]);
  });

  it('JSONL: one parseable object per line, newlines inside strings escaped', () => {
    const text = toJsonl(
      toTrlRows([makeRankingRecord({ prompt: 'a\nb', candidates: ['x\ny', 'z'], ranks: [1, 2], annotator: 'a' })]),
    );
    const lines = text.split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]), { prompt: 'a\nb', chosen: 'x\ny', rejected: 'z' });
  });
});
