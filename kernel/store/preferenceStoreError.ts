/**
 * A preference file could not be written or a ranking is not valid. The extension shows the message to the
 * user (who fixes the path / permissions / input); nothing already stored is lost.
 */
export class PreferenceStoreError extends Error {
  override readonly name = 'PreferenceStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
