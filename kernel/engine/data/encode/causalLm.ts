/**
 * Causal-LM training sequences: supervised fine-tuning `{prompt, completion}` and preference pairs.
 * `labels` mirror `inputIds` (the model shifts them) with IGNORE_INDEX on prompt tokens, so the
 * loss is taken on completion tokens only. BOS (if the tokenizer adds one) starts the prompt;
 * EOS ends the completion. Over-long sequences lose the start of the prompt first.
 */
import type { TokenizerLike } from '../tokenizerLike';
import { specialTokenFrame } from './specialTokens';
import { checkMaxLength, keepHead, keepTail } from './truncation';

/** Label value that losses skip (PyTorch's cross-entropy `ignore_index`). */
export const IGNORE_INDEX = -100;

export interface CausalLmExample {
  inputIds: number[];
  labels: number[];
}

export interface PreferenceExample {
  /** Prompt + chosen response, labels on the response only. */
  chosen: CausalLmExample;
  /** Prompt + rejected response, labels on the response only. */
  rejected: CausalLmExample;
  /** Tokens of (BOS +) prompt shared by both sequences. */
  promptLength: number;
}

export interface EncodeCausalLmOptions {
  /** Longest sequence (BOS + prompt + completion + EOS); default: no truncation. */
  maxLength?: number;
  /** Append the tokenizer's EOS to completions; default true. */
  addEos?: boolean;
  /** Start with the tokenizer's leading special tokens (e.g. BOS); default true. */
  addBos?: boolean;
}

export interface EncodePreferenceOptions extends EncodeCausalLmOptions {
  /** Cap on prompt tokens (kept from the end), like TRL's `max_prompt_length`. */
  maxPromptLength?: number;
}

interface Pieces {
  lead: number[];
  prompt: number[];
}

function promptPieces(tokenizer: TokenizerLike, prompt: string, options: EncodeCausalLmOptions): Pieces {
  const lead = (options.addBos ?? true) ? [...(specialTokenFrame(tokenizer)?.prefix ?? [])] : [];
  return { lead, prompt: tokenizer.encode(prompt, { addSpecialTokens: false }) };
}

function responseIds(tokenizer: TokenizerLike, text: string, options: EncodeCausalLmOptions): number[] {
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  if ((options.addEos ?? true) && tokenizer.eosTokenId !== undefined) ids.push(tokenizer.eosTokenId);
  return ids;
}

function assemble(lead: number[], prompt: number[], response: number[]): CausalLmExample {
  const context = [...lead, ...prompt];
  return {
    inputIds: [...context, ...response],
    labels: [...context.map(() => IGNORE_INDEX), ...response],
  };
}

export function encodeSft(
  tokenizer: TokenizerLike,
  prompt: string,
  completion: string,
  options: EncodeCausalLmOptions = {},
): CausalLmExample {
  const { lead, prompt: promptIds } = promptPieces(tokenizer, prompt, options);
  let completionIds = responseIds(tokenizer, completion, options);
  let keptPrompt = promptIds;
  if (options.maxLength !== undefined) {
    checkMaxLength(options.maxLength, lead.length + 1, 'room for the leading special tokens and one completion token');
    const room = options.maxLength - lead.length;
    keptPrompt = keepTail(promptIds, room - completionIds.length);
    completionIds = keepHead(completionIds, room - keptPrompt.length);
  }
  return assemble(lead, keptPrompt, completionIds);
}

/**
 * When prompt + longer response do not fit, the prompt is cut from the left down to what the
 * longer response leaves, but keeps at least half the room; responses then lose their ends.
 */
export function encodePreference(
  tokenizer: TokenizerLike,
  prompt: string,
  chosen: string,
  rejected: string,
  options: EncodePreferenceOptions = {},
): PreferenceExample {
  const { lead, prompt: promptIds } = promptPieces(tokenizer, prompt, options);
  let chosenIds = responseIds(tokenizer, chosen, options);
  let rejectedIds = responseIds(tokenizer, rejected, options);
  let keptPrompt = options.maxPromptLength === undefined ? promptIds : keepTail(promptIds, options.maxPromptLength);
  if (options.maxLength !== undefined) {
    checkMaxLength(
      options.maxLength,
      lead.length + 2,
      'room for the leading special tokens, a prompt token and a response token',
    );
    const room = options.maxLength - lead.length;
    const longest = Math.max(chosenIds.length, rejectedIds.length);
    const promptRoom = Math.max(room - longest, Math.floor(room / 2));
    keptPrompt = keepTail(keptPrompt, promptRoom);
    chosenIds = keepHead(chosenIds, room - keptPrompt.length);
    rejectedIds = keepHead(rejectedIds, room - keptPrompt.length);
  }
  return {
    chosen: assemble(lead, keptPrompt, chosenIds),
    rejected: assemble(lead, keptPrompt, rejectedIds),
    promptLength: lead.length + keptPrompt.length,
  };
}
