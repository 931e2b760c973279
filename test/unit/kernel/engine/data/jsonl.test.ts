import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../../../kernel/engine/data/dataError';
import { JsonlParser, parseJsonl } from '../../../../../kernel/engine/data/readers/jsonl';
import { JsonArrayParser, parseJsonArray } from '../../../../../kernel/engine/data/readers/jsonArray';
import type { ChunkParser, RawRecord } from '../../../../../kernel/engine/data/readers/rawRecord';

function chunked(parser: ChunkParser, text: string, size: number): RawRecord[] {
  const out: RawRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

function dataError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const JSONL =
  '\uFEFF{"text": "a\\nb", "label": "spam"}\r\n\n   \n{"text": "{[\\"]}", "label": 1}\n{"text": "é 😀", "label": "ham"}';

test('JSONL: BOM, CRLF, blank lines and a missing final newline; lines counted from 1; any chunking', () => {
  const records = parseJsonl(JSONL, 'd.jsonl');
  assert.deepEqual(
    records.map((r) => r.value),
    [
      { text: 'a\nb', label: 'spam' },
      { text: '{["]}', label: 1 },
      { text: 'é 😀', label: 'ham' },
    ],
  );
  assert.deepEqual(
    records.map((r) => r.location),
    [
      { file: 'd.jsonl', line: 1 },
      { file: 'd.jsonl', line: 4 },
      { file: 'd.jsonl', line: 5 },
    ],
  );
  for (const size of [1, 2, 5, 13])
    assert.deepEqual(chunked(new JsonlParser('d.jsonl'), JSONL, size), records, `chunk size ${size}`);
});

test('JSONL errors name file, line and (for syntax errors) column', () => {
  dataError(
    () => parseJsonl('{"a": 1}\n{"a": }\n', 'spam.jsonl'),
    /^spam\.jsonl:2:7: invalid JSON: .+ \(each line must hold one JSON object\)$/,
  );
  dataError(
    () => parseJsonl('{"a": 1}\n[1, 2]\n', 'spam.jsonl'),
    'spam.jsonl:2: expected a JSON object on each line, got an array',
  );
  dataError(
    () => parseJsonl('"just a string"', 'spam.jsonl'),
    'spam.jsonl:1: expected a JSON object on each line, got a string',
  );
  dataError(() => parseJsonl('{"a": 1}{"b": 2}', 'spam.jsonl'), /^spam\.jsonl:1:9: invalid JSON: /);
});

const ARRAY =
  '\uFEFF [\n  {"text": "a ] } , [ {", "label": "x"},\n  {"text": "esc \\" \\\\", "nested": {"l": [1, [2]]}, "label": 2}\r\n,{"label":"z","text":""}\n]\n';

test('JSON array: elements cut out correctly around brackets and quotes inside strings; any chunking', () => {
  const records = parseJsonArray(ARRAY, 'd.json');
  assert.deepEqual(
    records.map((r) => r.value),
    [
      { text: 'a ] } , [ {', label: 'x' },
      { text: 'esc " \\', nested: { l: [1, [2]] }, label: 2 },
      { label: 'z', text: '' },
    ],
  );
  assert.deepEqual(
    records.map((r) => r.location.line),
    [2, 3, 4],
  );
  for (const size of [1, 2, 3, 10])
    assert.deepEqual(chunked(new JsonArrayParser('d.json'), ARRAY, size), records, `chunk size ${size}`);
  assert.deepEqual(parseJsonArray('[]', 'e.json'), []);
});

test('JSON array errors name file, line and column', () => {
  dataError(
    () => parseJsonArray('{"text": "a"}', 'd.json'),
    'd.json:1:1: expected the file to start with \'[\' (a JSON array of objects), got "{"; for one object per line use a .jsonl file',
  );
  dataError(
    () => parseJsonArray('[{"a": 1} {"a": 2}]', 'd.json'),
    "d.json:1:11: expected ',' or ']' between array elements, got \"{\"",
  );
  dataError(
    () => parseJsonArray('[{"a": 1},\n 5]', 'd.json'),
    'd.json:2: expected each array element to be an object, got a number',
  );
  dataError(() => parseJsonArray('[{"a": 1},\n {"a": tru}]', 'd.json'), /^d\.json:2:8: invalid JSON: /);
  dataError(() => parseJsonArray('[{"a": 1},\n {"a":\n   1,}]', 'd.json'), /^d\.json:3:6: invalid JSON: /);
  dataError(() => parseJsonArray('[{"a": 1},', 'd.json'), "d.json:1:11: the file ends before the array's closing ']'");
  dataError(
    () => parseJsonArray('[{"a": "unclosed}]', 'd.json'),
    'd.json:1:2: the file ends inside this element (an unclosed string, object or array)',
  );
  dataError(
    () => parseJsonArray('[{"a": 1},]', 'd.json'),
    'd.json:1:11: expected an array element after \',\', got "]"',
  );
  dataError(() => parseJsonArray('[] x', 'd.json'), "d.json:1:4: unexpected \"x\" after the array's closing ']'");
  dataError(
    () => parseJsonArray('  ', 'd.json'),
    'd.json: the JSON file is empty; expected an array of objects like [{"text": "...", "label": "..."}]',
  );
});
