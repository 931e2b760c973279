/**
 * A model source that cannot be resolved: neither a local folder nor a usable Hub id, a download that failed, or
 * offline mode with nothing cached. The user fixes the source, goes online, or passes a local folder.
 */
export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`model source "${source}": ${problem}`);
  }
}
