/** A vector index cannot be created, opened or queried as asked: the message names the folder and what to change (the user handles it). */
export class VectorIndexError extends Error {
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(`vector index ${dir}: ${message}`);
    this.name = 'VectorIndexError';
  }
}
