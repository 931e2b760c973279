// Finds a usable snapshot in the huggingface_hub cache without any request: the revision resolves to a commit
// (itself, or refs/<revision>) and snapshots/<commit>/ holds config.json and every weights file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HubError } from '../hubError';
import type { RepoCache } from './cacheLayout';
import { CONFIG_FILE, WEIGHTS_FILE } from '../hfFolder';
import { neededFiles, shardNames, WEIGHTS_INDEX_FILE } from './modelFiles';

export type CachedSnapshot =
  | { usable: true; dir: string; commit: string }
  | { usable: false; commit?: string; /** What is missing, for the offline error. */ missing: string };

export async function findCachedSnapshot(cache: RepoCache, revision: string): Promise<CachedSnapshot> {
  const commit = await cache.commitFor(revision);
  if (commit === undefined) return { usable: false, missing: `no refs/${revision} in ${cache.dir}` };
  const dir = cache.snapshotDir(commit);
  const present = await presentFiles(dir);
  if (present.length === 0) return { usable: false, commit, missing: `no files in ${dir}` };
  if (!present.includes(CONFIG_FILE)) return { usable: false, commit, missing: `${CONFIG_FILE} (in ${dir})` };
  if (!present.includes(WEIGHTS_FILE) && !present.includes(WEIGHTS_INDEX_FILE)) {
    return { usable: false, commit, missing: `${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE} (in ${dir})` };
  }
  let needed: string[];
  try {
    needed = neededFiles(cache.id, revision, present);
    if (needed.includes(WEIGHTS_INDEX_FILE))
      needed = [...needed, ...shardNames(cache.id, await readFile(join(dir, WEIGHTS_INDEX_FILE), 'utf8'))];
  } catch (e) {
    if (!(e instanceof HubError)) throw e;
    return { usable: false, commit, missing: e.message.replace(/^model source "[^"]*": /, '') };
  }
  const missing = needed.filter((f) => !present.includes(f));
  if (missing.length > 0) return { usable: false, commit, missing: `${missing.join(', ')} (in ${dir})` };
  return { usable: true, dir, commit };
}

/** Top-level files whose contents exist (a dangling symlink to a blob that was deleted does not count). */
async function presentFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const present: string[] = [];
  for (const name of names) if ((await stat(join(dir, name)).catch(() => undefined))?.isFile()) present.push(name);
  return present;
}
