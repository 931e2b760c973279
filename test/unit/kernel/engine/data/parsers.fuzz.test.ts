// Seeded fuzz of the JSONL, CSV and JSON-array parsers: mutated documents must either parse (the
// same records whatever the chunking) or fail with a DataError (the same one whatever the chunking);
// random valid documents must round-trip exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../../../kernel/engine/data/dataError';
import { CsvParser } from '../../../../../kernel/engine/data/readers/csv';
import { JsonArrayParser } from '../../../../../kernel/engine/data/readers/jsonArray';
import { JsonlParser } from '../../../../../kernel/engine/data/readers/jsonl';
import type { ChunkParser, RawRecord } from '../../../../../kernel/engine/data/readers/rawRecord';
import { Rng } from '../../../../../kernel/engine/train/rng';

const ALPHABET = [
  '"',
  '""',
  ',',
  '\n',
  '\r',
  '\r\n',
  '{',
  '}',
  '[',
  ']',
  ':',
  '\\',
  '\\"',
  ' ',
  '\t',
  'a',
  'Z',
  '1',
  '-',
  '.',
  'é',
  '😀',
  '\uFEFF',
  '\u0000',
  'null',
  'true',
];

type Outcome = { records: RawRecord[] } | { error: string };

function run(make: () => ChunkParser, text: string, chunkSize: number): Outcome {
  const parser = make();
  const records: RawRecord[] = [];
  try {
    for (let i = 0; i < text.length; i += chunkSize) records.push(...parser.push(text.slice(i, i + chunkSize)));
    records.push(...parser.end());
    return { records };
  } catch (e) {
    if (!(e instanceof DataError))
      throw new Error(
        `non-DataError ${(e as Error)?.name}: ${(e as Error)?.message} for input ${JSON.stringify(text)}`,
      );
    return { error: e.message };
  }
}

function mutate(rng: Rng, text: string): string {
  let out = text;
  const edits = 1 + rng.nextInt(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.nextInt(out.length + 1);
    const piece = ALPHABET[rng.nextInt(ALPHABET.length)];
    switch (rng.nextInt(3)) {
      case 0:
        out = out.slice(0, at) + piece + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + rng.nextInt(3));
        break;
      default:
        out = out.slice(0, at) + piece + out.slice(at + piece.length);
    }
  }
  return out;
}

function randomText(rng: Rng, maxLength: number): string {
  let s = '';
  const n = rng.nextInt(maxLength + 1);
  for (let i = 0; i < n; i++) s += ALPHABET[rng.nextInt(ALPHABET.length)];
  return s;
}

const SEEDS = {
  jsonl:
    '{"text": "hello, \\"world\\"", "label": "spam"}\n{"text": "a\\nb", "label": 1}\r\n\n{"prompt": "q", "completion": "ans"}\n',
  csv: 'text,label\r\n"Hello, ""world""",spam\n"multi\nline",ham\nplain,1\n',
  json: '[{"text": "a ] }", "label": "x"},\n {"text": "b", "nested": [1, {"k": "v"}], "label": 2}]\n',
};
const PARSERS: Record<keyof typeof SEEDS, () => ChunkParser> = {
  jsonl: () => new JsonlParser('f.jsonl'),
  csv: () => new CsvParser('f.csv'),
  json: () => new JsonArrayParser('f.json'),
};

for (const kind of Object.keys(SEEDS) as (keyof typeof SEEDS)[]) {
  test(`${kind}: 1500 mutated and 300 random documents give records or a DataError, the same for whole and chunked input`, () => {
    const rng = Rng.fromSeed(20240601 + kind.length);
    let errors = 0;
    for (let i = 0; i < 1800; i++) {
      const text = i < 1500 ? mutate(rng, SEEDS[kind]) : randomText(rng, 40);
      const whole = run(PARSERS[kind], text, Math.max(1, text.length));
      const chunkSize = 1 + rng.nextInt(7);
      assert.deepEqual(
        run(PARSERS[kind], text, chunkSize),
        whole,
        `chunk size ${chunkSize} changed the outcome for ${JSON.stringify(text)}`,
      );
      if ('error' in whole) {
        errors++;
        assert.match(whole.error, /^f\.(jsonl|csv|json)(:\d+(:\d+)?)?: \S/);
      }
    }
    assert.ok(errors > 100 && errors < 1800, `the fuzz hits both outcomes (${errors} errors)`);
  });
}

function randomField(rng: Rng): string {
  return randomText(rng, 6).replace(/\uFEFF/g, '');
}

function csvQuote(field: string): string {
  return /[",\r\n]/.test(field) || field === '' ? `"${field.replace(/"/g, '""')}"` : field;
}

test('CSV: 300 random tables written per RFC 4180 read back exactly', () => {
  const rng = Rng.fromSeed(99);
  for (let t = 0; t < 300; t++) {
    const columns = 1 + rng.nextInt(4);
    const header = Array.from({ length: columns }, (_, c) => `c${c}`);
    const body = Array.from({ length: rng.nextInt(6) }, () => Array.from({ length: columns }, () => randomField(rng)));
    const lineEnd = rng.nextInt(2) ? '\r\n' : '\n';
    const text =
      [header, ...body].map((row) => row.map(csvQuote).join(',')).join(lineEnd) + (rng.nextInt(2) ? lineEnd : '');
    const outcome = run(() => new CsvParser('t.csv'), text, 1 + rng.nextInt(9));
    assert.ok('records' in outcome, `valid CSV rejected: ${JSON.stringify(text)}`);
    assert.deepEqual(
      outcome.records.map((r) => header.map((h) => r.value[h])),
      body,
      JSON.stringify(text),
    );
  }
});

test('JSONL and JSON arrays: 300 random object lists read back exactly', () => {
  const rng = Rng.fromSeed(7);
  for (let t = 0; t < 300; t++) {
    const objects = Array.from({ length: rng.nextInt(5) }, () => ({
      text: randomField(rng),
      label: rng.nextInt(3),
      extra: { list: [randomField(rng)] },
    }));
    const jsonl = objects.map((o) => JSON.stringify(o)).join(rng.nextInt(2) ? '\r\n' : '\n');
    const jsonlOutcome = run(() => new JsonlParser('t.jsonl'), jsonl, 1 + rng.nextInt(9));
    assert.ok('records' in jsonlOutcome);
    assert.deepEqual(
      jsonlOutcome.records.map((r) => r.value),
      objects,
    );
    const array = JSON.stringify(objects, null, rng.nextInt(3));
    const arrayOutcome = run(() => new JsonArrayParser('t.json'), array, 1 + rng.nextInt(9));
    assert.ok('records' in arrayOutcome, array);
    assert.deepEqual(
      arrayOutcome.records.map((r) => r.value),
      objects,
    );
  }
});
