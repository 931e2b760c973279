/** The backend ran out of memory during a training stage (forward, backward or optimizer); `cause` is the original error. */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError';
  constructor(
    message: string,
    readonly stage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
