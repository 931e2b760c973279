// The file listing of one revision: GET {endpoint}/api/models/{id}/revision/{revision}?blobs=true answers the
// commit ("sha") and the files ("siblings": rfilename, size, blobId, lfs.sha256) in one request.
import { HubError } from '../hubError';
import { isCommitHash, normalizeEtag } from './cacheLayout';
import type { HubHttp } from './hubHttp';

export interface RemoteFile {
  path: string;
  /** Bytes; undefined when the listing leaves it out (a HEAD request then asks). */
  size?: number;
  /** The blob name in the cache: the sha256 of an LFS file, the git blob id of another. */
  etag?: string;
  /** Given for LFS files: the download is checked against it. */
  sha256?: string;
  /** The git blob id of a file stored in git (not LFS), from the listing: the download is checked against it. */
  gitBlobId?: string;
}

export interface RemoteListing {
  commit: string;
  files: Map<string, RemoteFile>;
}

export function listingUrl(endpoint: string, id: string, revision: string): string {
  return `${endpoint}/api/models/${id}/revision/${encodeURIComponent(revision)}?blobs=true`;
}

export function resolveUrl(endpoint: string, id: string, revision: string, file: string): string {
  return `${endpoint}/${id}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

export async function fetchListing(http: HubHttp, id: string, revision: string): Promise<RemoteListing> {
  const url = listingUrl(http.settings.endpoint, id, revision);
  const context = { id, revision, settings: http.settings };
  const { response, watchdog, describeAbort } = await http.request(
    url,
    { method: 'GET', headers: { accept: 'application/json' } },
    context,
  );
  let text: string;
  try {
    text = await response.text();
  } catch (e) {
    throw http.networkError(describeAbort(e), context);
  } finally {
    watchdog.stop();
  }
  return parseListing(id, url, text);
}

export function parseListing(id: string, url: string, text: string): RemoteListing {
  const bad = (problem: string) =>
    new HubError(
      id,
      `the file listing from ${url} ${problem}; is HF_ENDPOINT a Hugging Face Hub (or a mirror of one)?`,
      'bad-response',
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(`is not valid JSON (${(e as Error).message}; it starts ${JSON.stringify(text.slice(0, 60))})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('is not a JSON object');
  const { sha, siblings } = json as { sha?: unknown; siblings?: unknown };
  if (typeof sha !== 'string' || !isCommitHash(sha))
    throw bad(`has no commit hash in "sha" (got ${JSON.stringify(sha)?.slice(0, 60)})`);
  if (!Array.isArray(siblings)) throw bad('has no "siblings" array of files');
  const files = new Map<string, RemoteFile>();
  siblings.forEach((entry: unknown, i) => {
    const { rfilename, size, blobId, lfs } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    if (
      typeof rfilename !== 'string' ||
      rfilename === '' ||
      rfilename.split('/').some((part) => part === '..' || part === '')
    ) {
      throw bad(`has a file without a usable "rfilename" at siblings[${i}]`);
    }
    const lfsInfo = (typeof lfs === 'object' && lfs !== null ? lfs : {}) as Record<string, unknown>;
    const sha256 =
      typeof lfsInfo.sha256 === 'string' && /^[0-9a-f]{64}$/.test(lfsInfo.sha256) ? lfsInfo.sha256 : undefined;
    const fileSize = typeof lfsInfo.size === 'number' ? lfsInfo.size : size;
    if (fileSize !== undefined && (typeof fileSize !== 'number' || !Number.isSafeInteger(fileSize) || fileSize < 0))
      throw bad(`gives ${rfilename} the size ${JSON.stringify(fileSize)}`);
    const etag = sha256 ?? (typeof blobId === 'string' && /^[0-9a-f]{40}$/.test(blobId) ? blobId : undefined);
    const gitBlobId = sha256 === undefined && etag !== undefined ? etag : undefined;
    files.set(rfilename, {
      path: rfilename,
      size: fileSize as number | undefined,
      etag: etag === undefined ? undefined : normalizeEtag(etag),
      sha256,
      ...(gitBlobId ? { gitBlobId } : {}),
    });
  });
  return { commit: sha, files };
}
