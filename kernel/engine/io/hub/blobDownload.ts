// Downloads one file into blobs/<etag>: bytes go to blobs/<etag>.incomplete, a dropped connection is continued
// with `Range: bytes=N-` (a server that answers 200 instead of 206 starts it over), and the finished file is
// checked (size; sha256 for LFS files, the git blob id for others when the listing gives it) before it is
// renamed into place.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError } from '../hubError';
import type { RepoCache } from './cacheLayout';
import type { HubHttp } from './hubHttp';
import { resolveUrl, type RemoteFile } from './hubListing';

export interface BlobRequest {
  cache: RepoCache;
  revision: string;
  commit: string;
  file: Required<Pick<RemoteFile, 'etag' | 'size'>> & RemoteFile;
  /** Bytes of this file on disk so far (resumed bytes included); called as they are written. */
  onBytes?: (fileBytes: number) => void;
}

/** Attempts to finish one file when the connection drops mid-body (each continues where the last stopped). */
const BODY_ATTEMPTS = 3;

export async function downloadBlob(http: HubHttp, request: BlobRequest): Promise<string> {
  const { cache, file } = request;
  const blob = cache.blobPath(file.etag);
  const incomplete = cache.incompletePath(file.etag);
  const context = { id: cache.id, revision: request.revision, file: file.path, settings: http.settings };
  const url = resolveUrl(http.settings.endpoint, cache.id, request.commit, file.path);
  await mkdir(dirname(blob), { recursive: true });

  let problem = '';
  for (let attempt = 1; attempt <= BODY_ATTEMPTS; attempt++) {
    let offset = (await stat(incomplete).catch(() => undefined))?.size ?? 0;
    if (offset > file.size) {
      await rm(incomplete, { force: true });
      offset = 0;
    }
    request.onBytes?.(offset);
    if (offset < file.size || file.size === 0) {
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (offset > 0) headers.range = `bytes=${offset}-`;
      const { response, watchdog, describeAbort } = await http.request(url, { method: 'GET', headers }, context);
      const start = response.status === 206 ? rangeStart(response.headers.get('content-range')) : 0;
      if (start !== offset && start !== 0) {
        watchdog.stop();
        await response.body?.cancel().catch(() => undefined);
        await rm(incomplete, { force: true });
        problem = `the server answered the range request at byte ${offset} from byte ${start}`;
        continue;
      }
      const handle = await open(incomplete, start === 0 ? 'w' : 'a');
      try {
        await writeBody(response, handle, start, (written) => {
          watchdog.kick();
          request.onBytes?.(written);
        });
      } catch (e) {
        http.options.signal?.throwIfAborted();
        problem = describeAbort(e);
        continue;
      } finally {
        watchdog.stop();
        await handle.close();
      }
    }
    await verify(cache.id, incomplete, file);
    await rename(incomplete, blob);
    return blob;
  }
  const kept = (await stat(incomplete).catch(() => undefined))?.size ?? 0;
  throw http.networkError(
    `the connection dropped ${BODY_ATTEMPTS} times (${problem}); ${kept} of ${file.size} bytes are kept in ${incomplete} and the next load continues from there`,
    context,
    file.path,
  );
}

async function writeBody(
  response: Response,
  handle: FileHandle,
  start: number,
  onWritten: (bytes: number) => void,
): Promise<void> {
  if (response.body === null) return;
  let written = start;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    await handle.write(value);
    written += value.length;
    onWritten(written);
  }
}

function rangeStart(contentRange: string | null): number {
  const match = contentRange?.match(/^bytes (\d+)-\d+\/(\d+|\*)$/);
  return match === null || match === undefined ? -1 : Number(match[1]);
}

async function verify(id: string, path: string, file: BlobRequest['file']): Promise<void> {
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  if (size !== file.size) {
    await rm(path, { force: true });
    throw new HubError(
      id,
      `downloaded ${file.path} has ${size} bytes, the Hub lists ${file.size}; the partial file was removed, load again to retry`,
      'integrity',
    );
  }
  const [algorithm, expected, prefix] =
    file.sha256 !== undefined
      ? ['sha256', file.sha256, '']
      : file.gitBlobId !== undefined
        ? ['git blob id', file.gitBlobId, `blob ${size}\0`]
        : [];
  if (expected === undefined) return;
  const hash = createHash(algorithm === 'sha256' ? 'sha256' : 'sha1').update(prefix ?? '');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== expected) {
    await rm(path, { force: true });
    throw new HubError(
      id,
      `downloaded ${file.path} has ${algorithm} ${actual}, the Hub lists ${expected}; the file was removed, load again to retry`,
      'integrity',
    );
  }
}
