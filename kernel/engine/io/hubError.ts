/** What went wrong, for callers that react differently (e.g. offer offline mode on `network`). */
export type HubErrorKind =
  | 'source' // neither a local folder nor a usable Hub id
  | 'offline' // offline mode and the cache lacks files
  | 'unauthorized' // 401/403: gated, private, or a rejected token
  | 'repo-not-found'
  | 'revision-not-found'
  | 'file-not-found'
  | 'network' // connection refused, unknown host, timeout, dropped connection
  | 'server' // 5xx after the retries
  | 'bad-response' // a listing or header the client cannot use
  | 'integrity' // a downloaded file of the wrong size or sha256
  | 'unsupported'; // a repository the engine cannot load (no config.json, no safetensors)

/**
 * A model source that cannot be resolved: neither a local folder nor a usable Hub id, a download that failed, or
 * offline mode with nothing cached. The user fixes the source, goes online, or passes a local folder.
 */
export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly source: string,
    problem: string,
    readonly kind: HubErrorKind = 'source',
  ) {
    super(`model source "${source}": ${problem}`);
  }
}
