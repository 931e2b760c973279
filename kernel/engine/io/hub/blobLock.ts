// One writer per blob: concurrent loads of the same model (in this process or in another Tunebook kernel) wait
// for the one downloading instead of appending to the same .incomplete file. The lock is a file holding the
// writer's pid under <cache>/.locks/models--owner--name/ (beside huggingface_hub's own lock files, under another
// name); a lock whose process is gone is taken over.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RepoCache } from './cacheLayout';

const POLL_MS = 200;
const heldHere = new Map<string, Promise<void>>();

export function lockPath(cache: RepoCache, etag: string): string {
  return join(dirname(cache.dir), '.locks', basename(cache.dir), `${etag}.tunebook.lock`);
}

export async function withBlobLock<T>(
  cache: RepoCache,
  etag: string,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const path = lockPath(cache, etag);
  while (heldHere.has(path)) await heldHere.get(path)!.catch(() => undefined);
  let release!: () => void;
  heldHere.set(path, new Promise<void>((resolve) => (release = resolve)));
  try {
    await acquire(path, signal);
    try {
      return await fn();
    } finally {
      await rm(path, { force: true });
    }
  } finally {
    heldHere.delete(path);
    release();
  }
}

async function acquire(path: string, signal: AbortSignal | undefined): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    signal?.throwIfAborted();
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (!isAlive(pid)) {
      await rm(path, { force: true }); // left by a process that died (or by this one before a crash of its own)
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Whether a process with this pid runs; this process's own pid counts as gone (no lock of ours is held here). */
function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
