// Concurrent loads of one model download each blob once: in one process they wait for each other; a lock held
// by another live process is waited for; a lock left by a process that is gone is taken over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { resolveSource } from '../../../../../../kernel/engine/io/hub/resolveSource';
import { lockPath } from '../../../../../../kernel/engine/io/hub/blobLock';
import { RepoCache } from '../../../../../../kernel/engine/io/hub/cacheLayout';
import { FakeHub, sha256Hex } from './fakeHub';
import { ID, gpt2Repo, withHfEnv } from './hubTestKit';

const REPO = gpt2Repo();
const SHA = sha256Hex(REPO.files['model.safetensors']);
let hub: FakeHub;
before(async () => {
  hub = await FakeHub.start([REPO], { pieceDelayMs: 3 });
});
after(() => hub.close());

test('two loads at once in one process: each file is downloaded once, both get the snapshot', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, async () => {
    hub.requests.length = 0;
    const [a, b] = await Promise.all([resolveSource(ID, { retryDelayMs: 5 }), resolveSource(ID, { retryDelayMs: 5 })]);
    assert.equal(a, b);
    assert.equal(hub.requestsFor(`/cdn/${SHA}`).length, 1, 'the weights once');
    assert.deepEqual(new Uint8Array(readFileSync(join(a, 'model.safetensors'))), REPO.files['model.safetensors']);
  }));

test('a lock held by a live process is waited for; a lock of a process that is gone is taken over', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, async (home) => {
    const lock = lockPath(new RepoCache(join(home, 'hub'), ID), SHA);
    assert.equal(lock, join(home, 'hub', '.locks', 'models--acme--tiny-gpt2', `${SHA}.tunebook.lock`));
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, String(process.ppid)); // the test runner: alive
    hub.requests.length = 0;
    let released = false;
    const timer = setTimeout(() => {
      released = true;
      rmSync(lock); // the other process finished (without the blob: this load still downloads it)
    }, 600);
    const dir = await resolveSource(ID, { retryDelayMs: 5 });
    clearTimeout(timer);
    assert.ok(released, 'the load finished only after the other process released the lock');
    assert.equal(hub.requestsFor(`/cdn/${SHA}`).length, 1);
    assert.ok(existsSync(join(dir, 'model.safetensors')));

    const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid names no running process
    const cache2 = join(home, 'c2');
    const lock2 = lockPath(new RepoCache(cache2, ID), SHA);
    mkdirSync(dirname(lock2), { recursive: true });
    writeFileSync(lock2, String(gone));
    const dir2 = await resolveSource(ID, { retryDelayMs: 5, cacheDir: cache2 });
    assert.deepEqual(new Uint8Array(readFileSync(join(dir2, 'model.safetensors'))), REPO.files['model.safetensors']);
    assert.ok(!existsSync(lock2), 'the lock is released after the download');
  }));
