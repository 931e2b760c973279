import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { vsixEntries } from './vsixListing';

const root = join(__dirname, '..', '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const builtVsix = join(root, `tunebook-linux-x64-${version}.vsix`);

/** What may ship in the .vsix: only what runs (the embedded default models and the examples included). */
const ALLOWED_INCLUDES = [
  /^package\.json$/,
  /^(README|CHANGELOG)\.md$/,
  /^LICENSE(\.md|\.txt)?$/,
  /^dist\/\*\*\/\*\.(js|wasm|css)$/,
  /^dist\/node_modules\/\*\*$/,
  /^dist\/native\/\*\*\/\*\.(node|so\*)$/,
  /^(snippets|media)\/\*\*$/,
  /^kernel\/assets\/models\/\*\*$/,
  /^examples\/\*\.ftnb$/,
  /^examples\/data\/\*\*$/,
];

describe('.vscodeignore', () => {
  const rules = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('excludes everything first', () => {
    assert.equal(rules[0], '**');
  });

  it('puts back only runtime files (no sources, tests, maps, the repository node_modules, fixtures)', () => {
    const includes = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));
    assert.ok(includes.length > 0);
    for (const include of includes) {
      assert.ok(
        ALLOWED_INCLUDES.some((allowed) => allowed.test(include)),
        `.vscodeignore puts back "${include}", which is not a runtime file`,
      );
    }
    for (const needed of [
      'package.json',
      'dist/**/*.js',
      'dist/**/*.wasm',
      'dist/node_modules/**',
      'dist/native/**/*.node',
      'snippets/**',
      'media/**',
      'kernel/assets/models/**',
      'examples/*.ftnb',
    ]) {
      assert.ok(includes.includes(needed), `.vscodeignore must put back ${needed}`);
    }
  });
});

describe(
  `the built ${`tunebook-linux-x64-${version}.vsix`} (npm run package)`,
  { skip: existsSync(builtVsix) ? false : 'not built; run npm run package' },
  () => {
    const entries = existsSync(builtVsix)
      ? vsixEntries(builtVsix)
          .filter((e) => e.startsWith('extension/'))
          .map((e) => e.slice('extension/'.length))
      : [];

    it('carries the bundles, wasm binaries, embedded models, walkthrough and examples', () => {
      for (const needed of [
        'package.json',
        'dist/extension.js',
        'dist/kernel.js',
        'dist/engine.js',
        'dist/cli.js',
        'kernel/assets/models/tiny-gpt2/config.json',
        'kernel/assets/models/tiny-distilbert/model.safetensors',
        'examples/finetune.ftnb',
        'examples/data/spam-small.jsonl',
      ]) {
        assert.ok(entries.includes(needed), `${needed} is missing`);
      }
      assert.ok(
        entries.some((e) => /^dist\/wasm\/.+\.wasm$/.test(e)),
        'tfjs wasm binaries',
      );
      assert.ok(
        entries.some((e) => /^media\/walkthrough\/.+\.md$/.test(e)),
        'walkthrough media',
      );
    });

    it('carries LanceDB with its linux-x64 native module and what it requires at run time', () => {
      assert.ok(entries.includes('dist/node_modules/@lancedb/lancedb/package.json'));
      assert.ok(entries.includes('dist/node_modules/@lancedb/lancedb-linux-x64-gnu/lancedb.linux-x64-gnu.node'));
      for (const pkg of ['apache-arrow', 'flatbuffers', 'reflect-metadata', 'tslib'])
        assert.ok(entries.includes(`dist/node_modules/${pkg}/package.json`), pkg);
    });

    it('carries the native engine addon with the OpenBLAS libraries it loads through $ORIGIN, when it was built', (t) => {
      if (!existsSync(join(root, 'dist', 'native', 'tunebook_native.node'))) {
        t.skip('dist/native/tunebook_native.node was not built here (no compiler or OpenBLAS)');
        return;
      }
      for (const file of ['tunebook_native.node', 'libopenblas.so.0', 'libgfortran.so.5', 'libquadmath.so.0'])
        assert.ok(entries.includes(`dist/native/${file}`), file);
    });

    it('has no tests, fixtures, sources, source maps or dataset packages', () => {
      const bad = entries.filter(
        (e) =>
          /^(test|bench|scripts|extension|webviews|kernel\/(?!assets\/models\/))/.test(e) ||
          /\.map$/.test(e) ||
          /\.d\.[cm]?ts$/.test(e) ||
          /(^|\/)fixtures\//.test(e) ||
          e.includes('@stdlib') ||
          (/\.ts$/.test(e) && !e.startsWith('examples/')),
      );
      assert.deepEqual(bad, []);
    });
  },
);
