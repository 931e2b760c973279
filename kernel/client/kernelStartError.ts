/**
 * The kernel process could not be started or did not answer `initialize` (Node missing at the
 * configured path, the kernel bundle missing, a crash while loading, a protocol mismatch).
 * Thrown by `KernelClient.start` / the automatic restart; the extension and the CLI show the message,
 * which ends with the kernel's last stderr lines when there are any.
 */
export class KernelStartError extends Error {
  override readonly name = 'KernelStartError';

  constructor(
    message: string,
    readonly stderrTail = '',
    options?: { cause?: unknown },
  ) {
    super(stderrTail ? `${message}\nKernel stderr (last lines):\n${stderrTail}` : message, options);
  }
}
