import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CellSyntaxError } from '../../../../kernel/cells/cellSyntaxError';
import { rewriteCell } from '../../../../kernel/cells/rewrite';
import { typescriptToJavascript } from '../../../../kernel/cells/transpile';

const compile = (ts: string) => rewriteCell(typescriptToJavascript(ts, 'Cell 1'), 'Cell 1');

describe('rewriteCell', () => {
  it('collects every top-level declared name, destructuring and imports included', () => {
    const cell = compile(
      [
        "import fs, { readFileSync as read } from 'node:fs';",
        "import * as path from 'node:path';",
        'const a = 1, { b, c: [d, ...e] } = obj;',
        'let f;',
        'var g = 2;',
        'function h() {}',
        'class K {}',
        'export const x = 3;',
        'if (a) { const inner = 1 }',
      ].join('\n'),
    );
    assert.deepEqual(cell.declaredNames, ['fs', 'read', 'path', 'a', 'b', 'd', 'e', 'f', 'g', 'h', 'K', 'x']);
    assert.deepEqual(cell.functionNames, ['h']);
    assert.equal(cell.hasFinalExpression, false);
  });

  it('keeps every line of the cell on the same line number', () => {
    const source = [
      'interface P { n: number }',
      'import {',
      '  greet,',
      "} from 'greeter';",
      'const p: P = { n: 1 };',
      'class A<T> { constructor(private readonly v: T) {} }',
      'const r = await fetchIt(p.n as number);',
      '// marker-8',
      'r + 1',
    ].join('\n');
    const cell = compile(source);
    const lines = cell.body.split('\n');
    assert.equal(lines.length, 9);
    assert.match(lines[6], /fetchIt/);
    assert.match(lines[7], /marker-8$/);
    assert.match(lines[6], /;return \($/);
    assert.equal(lines[8], 'r + 1)');
  });

  it('makes every await race the interrupt signal, except for-await loops', () => {
    const cell = compile(
      'const v = await a(await b());\nfor await (const x of it) {}\nasync function f() { await c() }',
    );
    assert.equal((cell.body.match(/__tunebook\.race\(/g) ?? []).length, 3);
    assert.match(cell.body, /for await \(const x of it\)/);
  });

  it('routes import() and import.meta through the kernel', () => {
    const cell = compile("const m = await import('x');\nimport.meta.url");
    assert.match(cell.body, /__tunebook\.race\(__tunebook\.import\('x'\)\)/);
    assert.match(cell.body, /__tunebook\.importMeta\.url/);
  });

  it('returns the final expression only when the cell ends with one', () => {
    assert.equal(compile('1 + 1').hasFinalExpression, true);
    assert.equal(compile('const x = 1').hasFinalExpression, false);
    assert.equal(compile('"use strict"').hasFinalExpression, false);
    assert.equal(compile('').hasFinalExpression, false);
  });

  it('opens the return on the line before the final expression, so its line and columns stay', () => {
    const alone = compile('({ a: 1 });');
    assert.deepEqual([alone.openReturnBefore, alone.body], [true, '({ a: 1 }));']);
    const after = compile('const a = 1\na');
    assert.deepEqual([after.openReturnBefore, after.body], [false, 'void (a = 1);return (\na)']);
  });

  it('reports syntax errors with the cell line, for TypeScript and JavaScript problems', () => {
    for (const [source, line] of [
      ['const ok = 1;\n\nconst x: = 2;', 3],
      ['const a = 1;\nlet let = 2;', 2],
    ] as const) {
      assert.throws(
        () => compile(source),
        (error: unknown) =>
          error instanceof CellSyntaxError && error.line === line && error.stack!.includes(`Cell 1:${line}:`),
      );
    }
  });
});
