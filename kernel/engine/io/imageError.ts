/** An image file that cannot be read or decoded, or a preprocessor_config.json that cannot be applied. The user fixes the file or config. */
export class ImageError extends Error {
  override readonly name = 'ImageError';

  constructor(
    /** The image file (or other source label) at fault. */
    readonly file: string,
    problem: string,
  ) {
    super(`image ${file}: ${problem}`);
  }
}
