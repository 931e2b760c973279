/**
 * An image dataset cannot be built or read: a missing folder, a list row without a path or label, a label outside
 * the label set, or an image file that cannot be decoded (the message names the file and the example). The user
 * fixes the file or folder; nothing is modified.
 */
export class ImageDatasetError extends Error {
  override readonly name = 'ImageDatasetError';

  constructor(
    /** The folder, list file or image file at fault. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
