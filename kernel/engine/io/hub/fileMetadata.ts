// Size and blob name of one file when the listing leaves them out (some mirrors): a HEAD on its resolve URL,
// not following a redirect to another host, since the Hub puts X-Linked-Etag / X-Linked-Size on the redirect.
import { HubError } from '../hubError';
import { normalizeEtag } from './cacheLayout';
import type { HubHttp } from './hubHttp';
import { resolveUrl, type RemoteFile } from './hubListing';

const MAX_REDIRECTS = 5;

export async function fetchFileMetadata(
  http: HubHttp,
  id: string,
  revision: string,
  commit: string,
  file: string,
): Promise<Required<Pick<RemoteFile, 'etag' | 'size'>> & RemoteFile> {
  const context = { id, revision, file, settings: http.settings };
  let url = resolveUrl(http.settings.endpoint, id, commit, file);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const { response, watchdog } = await http.request(
      url,
      { method: 'HEAD', headers: { 'accept-encoding': 'identity' }, redirect: 'manual' },
      context,
    );
    watchdog.stop();
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    const sameHost = location !== null && new URL(location, url).host === new URL(url).host;
    if (response.status >= 300 && response.status < 400 && sameHost && response.headers.get('x-linked-etag') === null) {
      url = new URL(location, url).toString(); // a renamed repository: the Hub redirects within itself
      continue;
    }
    const etagHeader = response.headers.get('x-linked-etag') ?? response.headers.get('etag');
    const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length') ?? NaN);
    if (etagHeader === null || !Number.isSafeInteger(size) || size < 0) {
      throw new HubError(
        id,
        `the Hub's answer for ${file} gives no ETag or size (${url}); the server is not a Hugging Face Hub endpoint`,
        'bad-response',
      );
    }
    const etag = normalizeEtag(etagHeader);
    return { path: file, etag, size, sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined };
  }
  throw new HubError(
    id,
    `more than ${MAX_REDIRECTS} redirects for ${file} from ${http.settings.endpoint}`,
    'bad-response',
  );
}
