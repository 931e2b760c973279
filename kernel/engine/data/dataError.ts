/**
 * A dataset row (or whole data file) cannot be used: malformed JSON/CSV, a missing or mistyped
 * field, a label outside the label set. The message starts with where the problem is —
 * `spam.jsonl:17: missing "label"`, `reviews.csv:4:12: ...`, `records[3]: ...` — so the user can
 * fix the file; the dataset loader throws it and the notebook cell shows it. Nothing is modified.
 */
export interface DataLocation {
  /** File name (as given by the user) or a label such as `records` for in-memory arrays. */
  file: string;
  /** 1-based line in the file. */
  line?: number;
  /** 1-based column (UTF-16 code units), when the reader knows it. */
  column?: number;
  /** 0-based position in an in-memory array. */
  index?: number;
}

export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly index?: number;

  constructor(
    location: DataLocation,
    /** What is wrong, without the location prefix. */
    readonly reason: string,
  ) {
    super(`${formatLocation(location)}: ${reason}`);
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.index = location.index;
  }
}

export function formatLocation(location: DataLocation): string {
  if (location.index !== undefined) return `${location.file}[${location.index}]`;
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`;
  return text;
}
