/**
 * Which special tokens a tokenizer puts around a text when `addSpecialTokens` is on
 * (BERT: [CLS] … [SEP]; Llama: <s> …; GPT-2: nothing). Found once per tokenizer by encoding a probe
 * with and without special tokens, so truncation can cut the text and keep the frame.
 */
import type { TokenizerLike } from '../tokenizerLike';

export interface SpecialTokenFrame {
  prefix: number[];
  suffix: number[];
}

const PROBE = 'Tunebook probe text';
const frames = new WeakMap<TokenizerLike, SpecialTokenFrame | null>();

/** The frame, or undefined when the probe cannot be found inside its framed encoding. */
export function specialTokenFrame(tokenizer: TokenizerLike): SpecialTokenFrame | undefined {
  if (!frames.has(tokenizer)) frames.set(tokenizer, findFrame(tokenizer) ?? null);
  return frames.get(tokenizer) ?? undefined;
}

function findFrame(tokenizer: TokenizerLike): SpecialTokenFrame | undefined {
  const framed = tokenizer.encode(PROBE, { addSpecialTokens: true });
  const bare = tokenizer.encode(PROBE, { addSpecialTokens: false });
  for (let start = 0; start + bare.length <= framed.length; start++) {
    if (bare.every((id, i) => framed[start + i] === id)) {
      return { prefix: framed.slice(0, start), suffix: framed.slice(start + bare.length) };
    }
  }
  return undefined;
}
