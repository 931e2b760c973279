/**
 * The part of `Tokenizer` (kernel/engine/io/tokenizer.ts) the data pipeline uses, so it can be
 * driven by the real class or by a tiny stand-in in tests.
 */
export interface TokenizerLike {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
}

/** Token id used for padding: the tokenizer's pad token, else its EOS (GPT-2 practice), else `fallback`. */
export function resolvePadTokenId(
  tokenizer: Pick<TokenizerLike, 'padTokenId' | 'eosTokenId'>,
  override?: number,
): number {
  const id = override ?? tokenizer.padTokenId ?? tokenizer.eosTokenId;
  if (id === undefined) {
    throw new RangeError('the tokenizer has neither a pad nor an EOS token; pass padTokenId explicitly');
  }
  return id;
}
