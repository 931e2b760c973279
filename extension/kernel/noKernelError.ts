/** A panel asked a notebook's kernel something while none runs; the panel shows it and offers nothing else. */
export class NoKernelError extends Error {
  override readonly name = 'NoKernelError';
  constructor() {
    super('No kernel is running for this notebook; run a cell first.');
  }
}
