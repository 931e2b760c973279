import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

/** What may ship in the .vsix: only what runs (the embedded default models included). */
const ALLOWED_INCLUDES = [
  /^package\.json$/,
  /^(README|CHANGELOG)\.md$/,
  /^LICENSE(\.md|\.txt)?$/,
  /^dist\/\*\*\/\*\.(js|wasm|css)$/,
  /^(snippets|media)\/\*\*$/,
  /^kernel\/assets\/models\/\*\*$/,
];

describe('.vscodeignore', () => {
  const rules = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('excludes everything first', () => {
    assert.equal(rules[0], '**');
  });

  it('puts back only runtime files (no sources, tests, maps, node_modules, fixtures or data)', () => {
    const includes = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));
    assert.ok(includes.length > 0);
    for (const include of includes) {
      assert.ok(ALLOWED_INCLUDES.some((allowed) => allowed.test(include)), `.vscodeignore puts back "${include}", which is not a runtime file`);
    }
    for (const needed of ['package.json', 'dist/**/*.js', 'dist/**/*.wasm', 'snippets/**', 'kernel/assets/models/**']) {
      assert.ok(includes.includes(needed), `.vscodeignore must put back ${needed}`);
    }
  });
});
