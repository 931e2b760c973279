// Downloads what the engine needs of one revision into the huggingface_hub cache layout: the listing gives the
// commit (written to refs/<revision>) and the files; each missing blob is downloaded (resumable) and linked from
// snapshots/<commit>/, so Python (and the next load) find the same snapshot. Weights come last: a snapshot with
// config and weights is complete.
import { readFile, stat } from 'node:fs/promises';
import { HubError } from '../hubError';
import { downloadBlob } from './blobDownload';
import { withBlobLock } from './blobLock';
import type { RepoCache } from './cacheLayout';
import { DownloadTally, type DownloadProgressCallback } from './downloadProgress';
import { fetchFileMetadata } from './fileMetadata';
import type { HubHttp } from './hubHttp';
import { fetchListing, type RemoteFile } from './hubListing';
import { neededFiles, shardNames, WEIGHTS_INDEX_FILE } from './modelFiles';

type KnownFile = Required<Pick<RemoteFile, 'etag' | 'size'>> & RemoteFile;

export async function downloadSnapshot(
  http: HubHttp,
  cache: RepoCache,
  revision: string,
  onProgress?: DownloadProgressCallback,
): Promise<string> {
  const id = cache.id;
  const listing = await fetchListing(http, id, revision);
  const { commit } = listing;
  await cache.writeRef(revision, commit); // first, like Python: an interrupted download can then name what is missing
  const known = async (path: string): Promise<KnownFile> => {
    const file = listing.files.get(path);
    if (file === undefined)
      throw new HubError(
        id,
        `${WEIGHTS_INDEX_FILE} names the shard ${path}, which the repository does not have`,
        'unsupported',
      );
    return file.etag !== undefined && file.size !== undefined
      ? (file as KnownFile)
      : fetchFileMetadata(http, id, revision, commit, path);
  };
  const fetchOne = async (file: KnownFile, onBytes?: (bytes: number) => void): Promise<void> => {
    await withBlobLock(cache, file.etag, http.options.signal, async () => {
      if (!(await isCachedBlob(cache, file))) await downloadBlob(http, { cache, revision, commit, file, onBytes });
    });
    await cache.link(commit, file.path, file.etag);
  };

  let names = neededFiles(id, revision, [...listing.files.keys()]);
  const files = new Map<string, KnownFile>();
  for (const name of names) files.set(name, await known(name));
  if (names.includes(WEIGHTS_INDEX_FILE)) {
    const index = files.get(WEIGHTS_INDEX_FILE)!;
    await fetchOne(index); // small, and the shard list is in it
    const shards = shardNames(id, await readFile(cache.blobPath(index.etag), 'utf8'));
    for (const shard of shards) files.set(shard, await known(shard));
    names = [...names, ...shards];
  }

  const tally = new DownloadTally(
    new Map([...files].map(([name, file]) => [name, file.size])),
    onProgress ?? (() => undefined),
  );
  for (const name of names) {
    const file = files.get(name)!;
    if (!(await isCachedBlob(cache, file))) await fetchOne(file, (bytes) => tally.progress(name, bytes));
    else await cache.link(commit, name, file.etag);
    tally.done(name);
  }
  return cache.snapshotDir(commit);
}

async function isCachedBlob(cache: RepoCache, file: KnownFile): Promise<boolean> {
  return (await stat(cache.blobPath(file.etag)).catch(() => undefined))?.size === file.size;
}
