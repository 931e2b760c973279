/**
 * Property tests for the cell compiler (sucrase + rewrite) on generated cells: it either reports a
 * CellSyntaxError or yields a valid async function body with exactly the cell's line count and every
 * declared name; random single-character damage never raises anything else. Seeded, so reproducible.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser } from 'acorn';
import { CellSyntaxError } from '../../../../kernel/cells/cellSyntaxError';
import { rewriteCell } from '../../../../kernel/cells/rewrite';
import { typescriptToJavascript } from '../../../../kernel/cells/transpile';

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Template = (n: number) => { code: string; names: string[] };
const TEMPLATES: Template[] = [
  (n) => ({ code: `const v${n}: number = ${n};`, names: [`v${n}`] }),
  (n) => ({
    code: `let { a${n}, b: [c${n}, ...r${n}] } = { a${n}: 1, b: [2, 3] }`,
    names: [`a${n}`, `c${n}`, `r${n}`],
  }),
  (n) => ({ code: `var w${n}`, names: [`w${n}`] }),
  (n) => ({ code: `function f${n}<T>(x: T): T {\n  return x;\n}`, names: [`f${n}`] }),
  (n) => ({ code: `class K${n} {\n  private q = ${n};\n}`, names: [`K${n}`] }),
  (n) => ({ code: `import {\n  x${n},\n  y as z${n},\n} from 'pkg${n}';`, names: [`x${n}`, `z${n}`] }),
  (n) => ({ code: `import * as ns${n} from "ns${n}"`, names: [`ns${n}`] }),
  (n) => ({ code: `const p${n} = await Promise.resolve(await g(${n}));`, names: [`p${n}`] }),
  () => ({ code: `for (let i = 0; i < 2; i++) {\n  await tick(i);\n}`, names: [] }),
  () => ({ code: '// a comment\n', names: [] }),
  () => ({ code: '/* block\n   comment */', names: [] }),
  () => ({ code: 'type T = { a: string };\ninterface I { b: number }', names: [] }),
  (n) => ({ code: `enum E${n} { A, B }`, names: [`E${n}`] }),
  (n) => ({ code: `export const e${n} = \`multi\nline\`;`, names: [`e${n}`] }),
  (n) => ({ code: `(${n} + 1)`, names: [] }),
  (n) => ({ code: `h(${n})\n[0]`, names: [] }),
];

function generateCell(random: () => number): { code: string; names: string[] } {
  const parts: string[] = [];
  const names: string[] = [];
  const count = 1 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const made = TEMPLATES[Math.floor(random() * TEMPLATES.length)](i);
    parts.push(made.code);
    names.push(...made.names);
  }
  return { code: parts.join(random() < 0.5 ? '\n' : '\n\n'), names };
}

function compile(code: string) {
  return rewriteCell(typescriptToJavascript(code, 'Cell 1'), 'Cell 1');
}

function assertValidBody(body: string, openReturnBefore: boolean): void {
  const wrapped = `(async function (__tunebook) {${openReturnBefore ? ' return (' : ''}\n${body}\n})`;
  Parser.parse(wrapped, { ecmaVersion: 'latest', sourceType: 'script' });
}

describe('cell compiler on generated cells', () => {
  it('keeps line counts, declares every name and yields valid JavaScript (400 cells)', () => {
    const random = mulberry32(0x7b);
    for (let i = 0; i < 400; i++) {
      const { code, names } = generateCell(random);
      const cell = compile(code);
      assert.equal(cell.body.split('\n').length, code.split('\n').length, code);
      for (const name of names) assert.ok(cell.declaredNames.includes(name), `${name} missing for:\n${code}`);
      assertValidBody(cell.body, cell.openReturnBefore);
    }
  });

  it('answers damaged cells with a CellSyntaxError or valid JavaScript, nothing else (600 mutations)', () => {
    const random = mulberry32(0x5eed);
    const alphabet = '{}()[];,=:<>`\'"/*\n ab1.';
    for (let i = 0; i < 600; i++) {
      const { code } = generateCell(random);
      const at = Math.floor(random() * code.length);
      const damaged =
        random() < 0.5
          ? code.slice(0, at) + code.slice(at + 1)
          : code.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + code.slice(at);
      try {
        const cell = compile(damaged);
        assertValidBody(cell.body, cell.openReturnBefore);
      } catch (error) {
        assert.ok(error instanceof CellSyntaxError, `unexpected ${String(error)} for:\n${damaged}`);
        assert.ok(
          error.line === undefined || (error.line >= 1 && error.line <= damaged.split('\n').length + 1),
          `line ${error.line} out of range`,
        );
      }
    }
  });
});
