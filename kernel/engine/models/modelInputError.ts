/**
 * Input a model cannot run on (wrong shape, token id out of range, text without a tokenizer, ...).
 * Raised by `Model.logits` / `hidden` / `generate`; the caller fixes the input — the model is unchanged.
 */
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
  constructor(
    readonly architecture: string,
    problem: string,
  ) {
    super(`${architecture}: ${problem}`);
  }
}
