/**
 * A cell imported something the kernel could not find or load (a package that is not installed, the
 * engine bundle missing next to the kernel, an ES module requested through `require`).
 * Shown as the cell's error output; the user installs the package or rebuilds Tunebook.
 */
export class CellImportError extends Error {
  override readonly name = 'ImportError';

  constructor(
    readonly specifier: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
