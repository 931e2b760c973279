/** Text classification example: token ids (special tokens kept through truncation) and a class id. */
import type { TokenizerLike } from '../tokenizerLike';
import { specialTokenFrame } from './specialTokens';
import { checkMaxLength, keepHead } from './truncation';

export interface ClassificationExample {
  inputIds: number[];
  label: number;
}

export interface EncodeClassificationOptions {
  /** Longest sequence, special tokens included; longer texts lose their end. */
  maxLength?: number;
  /** Add the tokenizer's special tokens ([CLS] … [SEP]); default true. */
  addSpecialTokens?: boolean;
}

export function encodeText(
  tokenizer: TokenizerLike,
  text: string,
  options: EncodeClassificationOptions = {},
): number[] {
  const addSpecialTokens = options.addSpecialTokens ?? true;
  const frame = addSpecialTokens ? specialTokenFrame(tokenizer) : { prefix: [], suffix: [] };
  if (!frame) return keepHead(tokenizer.encode(text, { addSpecialTokens: true }), options.maxLength ?? Infinity);
  const frameLength = frame.prefix.length + frame.suffix.length;
  checkMaxLength(options.maxLength, frameLength + 1, 'room for the special tokens and one text token');
  const body = tokenizer.encode(text, { addSpecialTokens: false });
  const room = options.maxLength === undefined ? body.length : options.maxLength - frameLength;
  return [...frame.prefix, ...keepHead(body, room), ...frame.suffix];
}

export function encodeClassification(
  tokenizer: TokenizerLike,
  text: string,
  label: number,
  options: EncodeClassificationOptions = {},
): ClassificationExample {
  return { inputIds: encodeText(tokenizer, text, options), label };
}
