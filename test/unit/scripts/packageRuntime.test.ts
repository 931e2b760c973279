import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  RuntimePackageError,
  isRuntimeFile,
  runtimeClosure,
  stageRuntimePackages,
} from '../../../scripts/packageRuntime.mjs';

const root = join(__dirname, '..', '..', '..');

/** A fake project: node_modules laid out as npm would, with a nested second version of one package. */
function fakeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunebook-pkg-'));
  const pkg = (rel: string, manifest: object, files: Record<string, string> = {}) => {
    const at = join(dir, rel);
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'package.json'), JSON.stringify(manifest));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(at, name, '..'), { recursive: true });
      writeFileSync(join(at, name), text);
    }
  };
  pkg(
    'node_modules/@lancedb/lancedb',
    {
      dependencies: { 'reflect-metadata': '1' },
      peerDependencies: { 'apache-arrow': '18' },
      optionalDependencies: {
        '@lancedb/lancedb-linux-x64-gnu': '1',
        '@lancedb/lancedb-darwin-arm64': '1',
        openai: '4',
      },
    },
    { 'dist/index.js': '', 'dist/index.d.ts': '', 'dist/index.js.map': '', 'README.md': '', LICENSE: '' },
  );
  pkg('node_modules/@lancedb/lancedb-linux-x64-gnu', {}, { 'lancedb.linux-x64-gnu.node': 'ELF' });
  pkg('node_modules/reflect-metadata', {}, { 'Reflect.js': '' });
  pkg(
    'node_modules/apache-arrow',
    { dependencies: { tslib: '2', '@types/node': '20', 'array-back': '6' } },
    { 'Arrow.node.js': '', 'src/x.ts': '' },
  );
  pkg('node_modules/apache-arrow/node_modules/array-back', {}, { 'index.cjs': '' });
  pkg('node_modules/array-back', {}, { 'index.js': 'other version' });
  pkg('node_modules/tslib', {}, { 'tslib.js': '' });
  pkg('node_modules/openai', {}, { 'index.js': '' });
  return dir;
}

describe('runtime packages staged into the .vsix', () => {
  const project = fakeProject();
  after(() => rmSync(project, { recursive: true, force: true }));

  it('keeps code, native modules, manifests and licences; drops declarations, maps, sources and docs', () => {
    for (const kept of [
      'a/index.js',
      'a/x.cjs',
      'a/x.mjs',
      'a/package.json',
      'a/LICENSE',
      'a/x.node',
      'a/libtf.so.2',
      'a/b.wasm',
    ])
      assert.ok(isRuntimeFile(kept), kept);
    for (const dropped of ['a/index.d.ts', 'a/index.d.mts', 'a/index.js.map', 'a/src/x.ts', 'a/README.md'])
      assert.ok(!isRuntimeFile(dropped), dropped);
  });

  it('follows dependencies and peer dependencies, takes only the native package of the target, never @types', () => {
    const names = [...runtimeClosure(project, 'linux-x64').values()].sort();
    assert.deepEqual(names, [
      '@lancedb/lancedb',
      '@lancedb/lancedb-linux-x64-gnu',
      'apache-arrow',
      'array-back',
      'reflect-metadata',
      'tslib',
    ]);
    const arrayBack = [...runtimeClosure(project, 'linux-x64').keys()].find((d) => d.endsWith('array-back'));
    assert.equal(
      arrayBack,
      join(project, 'node_modules', 'apache-arrow', 'node_modules', 'array-back'),
      'resolved from the requiring package, as Node does',
    );
  });

  it('says which native package is missing for another target, and rejects unknown targets', () => {
    assert.throws(
      () => runtimeClosure(project, 'darwin-arm64'),
      (e: Error) => e instanceof RuntimePackageError && /@lancedb\/lancedb-darwin-arm64.*not installed/.test(e.message),
    );
    assert.throws(
      () => runtimeClosure(project, 'beos-x64'),
      (e: Error) => e instanceof RuntimePackageError && /unknown target 'beos-x64'/.test(e.message),
    );
  });

  it('copies the closure into dist/node_modules with npm’s nesting and only runtime files', () => {
    const dist = join(project, 'dist');
    mkdirSync(join(dist, 'node_modules', 'stale'), { recursive: true });
    const staged = stageRuntimePackages(project, dist, 'linux-x64');
    assert.ok(staged.includes('node_modules/apache-arrow/node_modules/array-back'));
    assert.ok(!existsSync(join(dist, 'node_modules', 'stale')), 'what was staged before is replaced');
    assert.ok(!existsSync(join(dist, 'node_modules', 'array-back')), 'the unused top-level version stays out');
    assert.ok(existsSync(join(dist, 'node_modules', 'apache-arrow', 'node_modules', 'array-back', 'index.cjs')));
    assert.ok(
      existsSync(join(dist, 'node_modules', '@lancedb', 'lancedb-linux-x64-gnu', 'lancedb.linux-x64-gnu.node')),
    );
    assert.ok(existsSync(join(dist, 'node_modules', '@lancedb', 'lancedb', 'dist', 'index.js')));
    assert.ok(existsSync(join(dist, 'node_modules', '@lancedb', 'lancedb', 'LICENSE')));
    for (const gone of [
      '@lancedb/lancedb/dist/index.d.ts',
      '@lancedb/lancedb/dist/index.js.map',
      '@lancedb/lancedb/README.md',
      'apache-arrow/src/x.ts',
      'openai',
    ]) {
      assert.ok(!existsSync(join(dist, 'node_modules', gone)), gone);
    }
  });

  it('finds the real LanceDB runtime closure of this repository', () => {
    const names = new Set(runtimeClosure(root, 'linux-x64').values());
    for (const needed of [
      '@lancedb/lancedb',
      '@lancedb/lancedb-linux-x64-gnu',
      'apache-arrow',
      'flatbuffers',
      'reflect-metadata',
      'tslib',
    ])
      assert.ok(names.has(needed), needed);
    assert.ok(![...names].some((n) => n.startsWith('@types/') || n === 'openai' || n === '@huggingface/transformers'));
  });
});
