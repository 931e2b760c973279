import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineAndColumn, locateJsonError } from '../../../../kernel/format/jsonErrorLocation';
import { seededRandom } from './seededRandom';

describe('locateJsonError', () => {
  it('finds nothing wrong in valid JSON of every kind', () => {
    for (const text of [
      '0',
      '-1.5e+3',
      '"a\\u00e9\\n"',
      'true',
      ' null ',
      '[]',
      '{}',
      '[1,[2,{"a":[]}]]',
      '{"a":{"b":"c"},"d":[false]}',
      `"${'9'.repeat(1000)}"`,
      '9'.repeat(1000),
    ]) {
      assert.equal(locateJsonError(text), undefined, text);
    }
  });

  const cases: [string, number, number, RegExp][] = [
    ['{"a":}', 1, 6, /expected a value, found '}'/],
    ['{"a":1,}', 1, 8, /expected a double-quoted property name, found '}'/],
    ['{"a" 1}', 1, 6, /expected ':' after a property name/],
    ['[1,2', 1, 5, /ends inside an unclosed array/],
    ['{\n  "a": 1\n', 3, 1, /ends inside an unclosed object/],
    ['{} x', 1, 4, /unexpected 'x' after the end of the JSON document/],
    ['"abc', 1, 1, /unterminated string/],
    ['["a\nb"]', 1, 4, /raw control character/],
    ['["\\x"]', 1, 3, /invalid escape/],
    ['[01]', 1, 3, /expected ',' or '\]', found '1'/],
    ['[-]', 1, 2, /malformed number/],
    ['[tru]', 1, 2, /expected a value, found 't'/],
    ['', 1, 1, /ends where a value was expected/],
    ['{"a"', 1, 5, /ends where ':' was expected/],
  ];
  for (const [text, line, column, problem] of cases) {
    it(`locates the error in ${JSON.stringify(text)}`, () => {
      const at = locateJsonError(text);
      assert.ok(at, 'expected an error');
      assert.deepEqual([at.line, at.column], [line, column]);
      assert.match(at.problem, problem);
    });
  }

  it('survives nesting a million levels deep', () => {
    assert.match(locateJsonError('['.repeat(1_000_000))?.problem ?? '', /unclosed array/);
    assert.equal(locateJsonError(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), undefined);
  });

  it('agrees with JSON.parse on random JSON-ish texts (seeded)', () => {
    const random = seededRandom(20240601);
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'u',
      '0',
      '1',
      '-',
      '.',
      'e',
      '+',
      ' ',
      '\n',
      'a',
      'true',
      'null',
      'false',
      '"k"',
      '\t',
      '\u0001',
    ];
    let valid = 0;
    for (let n = 0; n < 20_000; n++) {
      const length = 1 + Math.floor(random() * 12);
      let text = '';
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      if (parses) valid++;
      assert.equal(locateJsonError(text) === undefined, parses, `disagreement on ${JSON.stringify(text)}`);
    }
    assert.ok(valid > 50, `too few valid samples to mean anything: ${valid}`);
  });
});

describe('lineAndColumn', () => {
  it('counts lines by \\n and columns from 1', () => {
    assert.deepEqual(lineAndColumn('ab\ncd\r\nef', 0), { line: 1, column: 1 });
    assert.deepEqual(lineAndColumn('ab\ncd\r\nef', 4), { line: 2, column: 2 });
    assert.deepEqual(lineAndColumn('ab\ncd\r\nef', 7), { line: 3, column: 1 });
  });
});
