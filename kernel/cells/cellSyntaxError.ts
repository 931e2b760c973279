/**
 * A cell's source could not be compiled (TypeScript or JavaScript syntax).
 * Raised by the kernel while preparing a cell, shown as the cell's error output; the user fixes the cell.
 */
export class CellSyntaxError extends Error {
  override readonly name = 'SyntaxError';

  constructor(
    message: string,
    readonly cellName: string,
    /** 1-based line in the cell, when known. */
    readonly line?: number,
    /** 1-based column in the cell, when known. */
    readonly column?: number,
  ) {
    super(message);
    this.stack = `SyntaxError: ${message}\n    at ${cellName}${line === undefined ? '' : `:${line}:${column ?? 1}`}`;
  }
}
