/**
 * A model folder that is not a usable Hugging Face layout (missing config, missing shard, broken index, ...).
 * The user fixes the folder (or re-downloads it); the message names the folder and the file at fault.
 */
export class HfFolderError extends Error {
  override readonly name = 'HfFolderError';

  constructor(
    readonly dir: string,
    problem: string,
    /** The file inside the folder that is at fault, when there is one. */
    readonly file?: string,
  ) {
    super(`model folder ${dir}${file === undefined ? '' : `, ${file}`}: ${problem}`);
  }
}
