/**
 * A safetensors file (or a tensor list given to the writer) that breaks the format.
 * Raised by the reader and the writer; the user fixes it by re-downloading or re-saving the file.
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';

  constructor(
    /** The file (or other source label) being read or written. */
    readonly file: string,
    problem: string,
    /** The tensor the problem is about, when there is one. */
    readonly tensor?: string,
  ) {
    super(
      `safetensors ${file}${tensor === undefined ? '' : `, tensor "${tensor}"`}: ${problem}` +
        ' (the file is corrupt, truncated or not safetensors: re-download or re-save it)',
    );
  }
}
