/**
 * The headless runner was called wrongly (unknown option, missing file, bad --timeout or --backend value)
 * or was given a file it cannot read. The CLI prints the message and exits with code 2; the user fixes the
 * command line or the file.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
