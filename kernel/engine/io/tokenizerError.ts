/**
 * A tokenizer.json / tokenizer_config.json that cannot be used, or ids that a tokenizer cannot decode.
 * The user fixes the tokenizer files (or the ids passed in); the message says which.
 */
export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';

  constructor(problem: string) {
    super(`tokenizer: ${problem}`);
  }
}
