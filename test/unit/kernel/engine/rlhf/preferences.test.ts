// preferences(): rankings with ties, several annotators merged, TRL pair rows, exports, bad lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preferences, preferencesFromText } from '../../../../../kernel/engine/rlhf/preferences';
import { makeRankingRecord } from '../../../../../kernel/store/preferenceStore';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute));
const ranking = (annotator: string, ranks: number[], minute: number, candidates = ['a', 'b', 'c']) =>
  JSON.stringify(makeRankingRecord({ prompt: 'P', candidates, ranks, annotator, timestamp: at(minute) }));

test('a single ranking with a tie yields only the strict pairs', () => {
  const prefs = preferencesFromText(ranking('alice', [1, 1, 2], 0) + '\n');
  assert.deepEqual([...prefs].map((p) => `${p.chosen}>${p.rejected}`).sort(), ['a>c', 'b>c']);
});

test('majority merge of three annotators keeps the pairs most of them agree on', () => {
  // alice a>b>c, bob a>b>c, carol c>b>a → majority a>b, a>c, b>c
  const text =
    [ranking('alice', [1, 2, 3], 0), ranking('bob', [1, 2, 3], 1), ranking('carol', [3, 2, 1], 2)].join('\n') + '\n';
  const majority = preferencesFromText(text, { merge: 'majority' });
  assert.deepEqual(majority.pairs.map((p) => `${p.chosen}>${p.rejected}`).sort(), ['a>b', 'a>c', 'b>c']);
  const none = preferencesFromText(text, { merge: 'none' });
  assert.equal(none.length, 9);
  assert.ok(none.pairs.some((p) => p.chosen === 'c' && p.rejected === 'a'));
});

test('Borda merge orders by points and breaks the majority cycle-free case the same way', () => {
  // alice a>b>c (a 2, b 1), bob b>a>c (b 2, a 1), carol b>c>a (b 2, c 1) → b 5, a 3, c 1
  const text =
    [ranking('alice', [1, 2, 3], 0), ranking('bob', [2, 1, 3], 1), ranking('carol', [3, 1, 2], 2)].join('\n') + '\n';
  const borda = preferencesFromText(text, { merge: 'borda' });
  assert.deepEqual(borda.pairs.map((p) => `${p.chosen}>${p.rejected}`).sort(), ['a>c', 'b>a', 'b>c']);
});

test('TRL rows are read as pairs; bad lines become warnings and lose nothing else', () => {
  const text =
    [
      JSON.stringify({ prompt: 'Q', chosen: 'yes', rejected: 'no' }),
      '{oops',
      ranking('alice', [2, 1], 0, ['x', 'y']),
    ].join('\n') + '\n';
  const prefs = preferencesFromText(text);
  assert.deepEqual(prefs.pairs.map((p) => `${p.prompt}:${p.chosen}>${p.rejected}`).sort(), ['P:y>x', 'Q:yes>no']);
  assert.equal(prefs.warnings.length, 1);
  assert.equal(prefs.warnings[0].line, 2);
  assert.throws(() => preferencesFromText(text, { merge: 'vote' as never }), /merge must be/);
});

test('exports TRL and OpenAI preference JSONL from a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlhf-prefs-'));
  const file = join(dir, 'rankings.jsonl');
  writeFileSync(file, ranking('alice', [2, 1, 3], 0) + '\n');
  const prefs = await preferences(file);
  await prefs.writeTrl(join(dir, 'trl.jsonl'));
  await prefs.writeOpenAi(join(dir, 'openai.jsonl'));
  const trl = readFileSync(join(dir, 'trl.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const key = (r: { prompt: string; chosen: string; rejected: string }) => `${r.prompt}:${r.chosen}>${r.rejected}`;
  assert.deepEqual(trl.map(key).sort(), ['P:a>c', 'P:b>a', 'P:b>c']);
  assert.deepEqual(Object.keys(trl[0]).sort(), ['chosen', 'prompt', 'rejected']);
  const openai = readFileSync(join(dir, 'openai.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(openai.length, 3);
  assert.deepEqual(openai[0].input.messages, [{ role: 'user', content: 'P' }]);
  assert.equal(openai[0].preferred_output[0].content, trl[0].chosen);
  assert.equal(openai[0].non_preferred_output[0].content, trl[0].rejected);
  await assert.rejects(preferences(join(dir, 'missing.jsonl')), /cannot read the rankings file/);
});

test('the stored example fixture merges to the rule-following pairs', async () => {
  const prefs = await preferences(join(__dirname, '../../../../../examples/data/rlhf-rankings.jsonl'));
  assert.equal(prefs.warnings.length, 0);
  assert.ok(prefs.length >= 80, `${prefs.length} pairs`);
  for (const p of prefs)
    assert.ok(/\bthe\b/.test(p.chosen) && !/\bthe\b/.test(p.rejected), `pair against the rule: ${JSON.stringify(p)}`);
});

test('fuzz: arbitrary lines never throw; every line is a record, a pair or a warning', () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pieces = [
    '{',
    '}',
    '"prompt":',
    '"chosen":"x"',
    '"rejected":"y"',
    '"v":1',
    '[',
    ']',
    ',',
    '"a"',
    '1',
    'null',
    '\\',
    ' ',
    '"type":"ranking"',
  ];
  const valid = ranking('alice', [1, 2], 0, ['x', 'y']);
  for (let round = 0; round < 300; round++) {
    const lines = Array.from({ length: 1 + Math.floor(next() * 5) }, () =>
      next() < 0.3
        ? valid.slice(0, Math.floor(next() * valid.length))
        : Array.from({ length: Math.floor(next() * 8) }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
    );
    const text = lines.join('\n') + (next() < 0.5 ? '\n' : '');
    const prefs = preferencesFromText(text);
    for (const p of prefs)
      for (const key of ['prompt', 'chosen', 'rejected'] as const) assert.equal(typeof p[key], 'string');
    const nonBlank = lines.filter((l) => l.trim() !== '').length;
    assert.ok(prefs.warnings.length <= nonBlank);
  }
});
