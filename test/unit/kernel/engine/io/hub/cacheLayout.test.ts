// The cache layout primitives: folder names, ETag normalisation, refs, and snapshot links as Python makes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RepoCache,
  isCommitHash,
  normalizeEtag,
  repoFolderName,
} from '../../../../../../kernel/engine/io/hub/cacheLayout';

test('folder names and ETags follow huggingface_hub', () => {
  assert.equal(repoFolderName('openai-community/gpt2'), 'models--openai-community--gpt2');
  assert.equal(repoFolderName('gpt2'), 'models--gpt2');
  assert.equal(normalizeEtag('"abc"'), 'abc');
  assert.equal(normalizeEtag('W/"abc"'), 'abc');
  assert.equal(normalizeEtag('abc'), 'abc');
  assert.ok(isCommitHash('0123456789abcdef0123456789abcdef01234567'));
  assert.ok(!isCommitHash('main') && !isCommitHash('0123456789ABCDEF0123456789ABCDEF01234567'));
});

test('refs: written without a newline, read back trimmed; a commit hash is its own ref; nested refs work', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tunebook-layout-'));
  try {
    const cache = new RepoCache(root, 'acme/m');
    const commit = 'c'.repeat(40);
    assert.equal(await cache.commitFor('main'), undefined);
    await cache.writeRef('main', commit);
    assert.equal(readFileSync(join(root, 'models--acme--m', 'refs', 'main'), 'utf8'), commit);
    assert.equal(await cache.commitFor('main'), commit);
    await cache.writeRef('refs/pr/1', 'd'.repeat(40));
    assert.equal(await cache.commitFor('refs/pr/1'), 'd'.repeat(40));
    assert.equal(await cache.commitFor(commit), commit);
    writeFileSync(join(root, 'models--acme--m', 'refs', 'main'), `${commit}\n`);
    assert.equal(await cache.commitFor('main'), commit, 'a trailing newline (hand-written ref) is tolerated');
    writeFileSync(join(root, 'models--acme--m', 'refs', 'main'), 'garbage');
    assert.equal(await cache.commitFor('main'), undefined, 'a ref that is not a hash is ignored');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('link: a relative symlink to the blob, also from a nested path, replacing an older link', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tunebook-layout-'));
  try {
    const cache = new RepoCache(root, 'acme/m');
    const commit = 'e'.repeat(40);
    mkdirSync(join(cache.dir, 'blobs'), { recursive: true });
    writeFileSync(cache.blobPath('etag1'), 'one');
    writeFileSync(cache.blobPath('etag2'), 'two');
    const top = await cache.link(commit, 'config.json', 'etag1');
    assert.equal(readlinkSync(top), '../../blobs/etag1');
    const nested = await cache.link(commit, 'onnx/model.json', 'etag1');
    assert.equal(readlinkSync(nested), '../../../blobs/etag1');
    await cache.link(commit, 'config.json', 'etag2');
    assert.equal(readFileSync(top, 'utf8'), 'two');
    assert.equal(cache.incompletePath('etag1'), `${cache.blobPath('etag1')}.incomplete`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
