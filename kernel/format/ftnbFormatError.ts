/**
 * A .ftnb file (or a notebook about to be written as one) does not follow the format.
 * Thrown by `parseFtnb` / `serializeFtnb`; whoever opens or saves the notebook (the VS Code
 * serializer, the headless runner) shows the message to the user. The file on disk is never
 * changed because of this error: the user fixes the file or updates Tunebook.
 */
export type FtnbProblem =
  /** The text is not JSON. */
  | 'syntax'
  /** The file was written by a newer Tunebook. */
  | 'version'
  /** Valid JSON, but not shaped like a Tunebook notebook. */
  | 'shape';

export interface FtnbErrorLocation {
  /** File name or URI given to the parser, if any. */
  source?: string;
  /** JSON path of the offending value, e.g. `cells[3].source`. */
  path?: string;
  /** 1-based position of a JSON syntax error. */
  line?: number;
  column?: number;
}

export class FtnbFormatError extends Error {
  override readonly name = 'FtnbFormatError';
  readonly source?: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(
    readonly problem: FtnbProblem,
    message: string,
    location: FtnbErrorLocation = {},
  ) {
    super(message);
    this.source = location.source;
    this.path = location.path;
    this.line = location.line;
    this.column = location.column;
  }
}
