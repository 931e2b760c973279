import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../../../../kernel/engine/data/dataError';
import { CsvRowParser, parseCsv } from '../../../../../kernel/engine/data/readers/csv';

function rows(text: string, chunkSize = text.length || 1, delimiter?: string): string[][] {
  const parser = new CsvRowParser('t.csv', { delimiter });
  const out = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...parser.push(text.slice(i, i + chunkSize)));
  out.push(...parser.end());
  return out.map((r) => r.fields);
}

function dataError(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    assert.equal(e.message, message);
    return true;
  });
}

test('tricky.csv (BOM, CRLF, quotes, escaped quotes, embedded newlines) parses like Python csv, in any chunking', () => {
  const text = readFileSync(join(__dirname, 'fixtures', 'tricky.csv'), 'utf8');
  const expected = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'tricky.csv.expected.json'), 'utf8'));
  for (const chunk of [1, 2, 3, 7, 64, text.length])
    assert.deepEqual(rows(text, chunk), expected, `chunk size ${chunk}`);
});

test('records are keyed by trimmed header names; unnamed columns are dropped; lines are where rows start', () => {
  const text = readFileSync(join(__dirname, 'fixtures', 'tricky.csv'), 'utf8');
  const records = parseCsv(text, 'tricky.csv');
  assert.deepEqual(records[1].value, { text: 'She said "hi"', label: 'ham', note: 'multi\r\nline\nfield' });
  assert.deepEqual(
    records.map((r) => r.location.line),
    [2, 3, 6, 8, 9],
  );
  assert.deepEqual(parseCsv(' text , label\nx,y\n', 'a.csv')[0].value, { text: 'x', label: 'y' });
});

test('line ends: LF, CRLF and lone CR; blank lines skipped; trailing delimiter gives an empty field', () => {
  assert.deepEqual(rows('a,b\nc,d\n'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(rows('a,b\r\nc,d\r\n'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(rows('a,b\rc,d'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(rows('a,b\n\n\r\n\nc,\n'), [
    ['a', 'b'],
    ['c', ''],
  ]);
  assert.deepEqual(rows('""\n,\n'), [[''], ['', '']]);
  assert.deepEqual(rows('x'), [['x']], 'no line end at all');
});

test('tab-separated values with quoting', () => {
  assert.deepEqual(rows('text\tlabel\n"a\tb"\tc\n', undefined, '\t'), [
    ['text', 'label'],
    ['a\tb', 'c'],
  ]);
});

test('malformed CSV names file, line and column', () => {
  dataError(
    () => parseCsv('text,label\nab"c,spam\n', 'x.csv'),
    'x.csv:2:3: unexpected \'"\' inside an unquoted field; wrap the field in double quotes and write each quote in it as ""',
  );
  dataError(
    () => parseCsv('text,label\n"ab"c,spam\n', 'x.csv'),
    'x.csv:2:5: expected "," or a line end after the closing \'"\', got "c"',
  );
  dataError(
    () => parseCsv('text,label\nok,1\n"never closed,spam\nmore\n', 'x.csv'),
    "x.csv:3:1: a quoted field starts here but its closing '\"' is missing",
  );
  dataError(
    () => parseCsv('text,label\nok,1\n"multi\nline",2,3\n', 'x.csv'),
    'x.csv:3: expected 2 fields (text, label) but found 3; quote fields that contain the delimiter or line breaks',
  );
  dataError(() => parseCsv('text,text\n', 'x.csv'), 'x.csv:1: the header names column "text" twice');
  dataError(
    () => parseCsv('\n\n', 'x.csv'),
    'x.csv: the CSV file is empty; expected a header row such as "text,label"',
  );
  dataError(
    () => parseCsv('\uFEFF', 'x.csv'),
    'x.csv: the CSV file is empty; expected a header row such as "text,label"',
  );
  assert.throws(() => new CsvRowParser('x', { delimiter: '"' }), /delimiter/);
});

test('columns count UTF-16 units from 1 on each line, also after quoted line breaks', () => {
  dataError(
    () => parseCsv('a,b\n"x\ny"z,1\n', 'c.csv'),
    'c.csv:3:3: expected "," or a line end after the closing \'"\', got "z"',
  );
});
