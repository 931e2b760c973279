/**
 * Prompt + completion token sequences and the batches the RLHF losses run on: right-padded ids, an attention
 * mask, and an action mask marking, for each next-token position t (predicting token t+1), whether that token
 * belongs to the completion.
 */
import type { Tokenizer } from '../io/tokenizer';
import { RlhfError } from './rlhfError';

export interface Sequence {
  /** Prompt ids followed by completion ids. */
  ids: number[];
  promptLength: number;
}

export interface SequenceBatch {
  ids: number[][]; // [B, T]
  attentionMask: number[][]; // [B, T]
  /** [B, T-1]: 1 where the target token t+1 is a completion token. */
  actionMask: number[][];
  /** Completion lengths. */
  completionLengths: number[];
}

/** Encodes prompt and completion separately (as TRL does) and keeps at most `maxLength` tokens, cutting the prompt's start first. */
export function encodeSequence(tokenizer: Tokenizer, prompt: string, completion: string, maxLength: number): Sequence {
  const promptIds = tokenizer.encode(prompt);
  let completionIds = tokenizer.encode(completion);
  if (completionIds.length === 0)
    throw new RlhfError(
      `the completion ${JSON.stringify(completion)} has no tokens; every completion needs at least one`,
    );
  if (completionIds.length >= maxLength) completionIds = completionIds.slice(0, maxLength - 1);
  const keptPrompt = promptIds.slice(Math.max(0, promptIds.length - (maxLength - completionIds.length)));
  if (keptPrompt.length === 0)
    throw new RlhfError(
      `the prompt ${JSON.stringify(prompt)} has no tokens; the model needs at least one token of context`,
    );
  return { ids: [...keptPrompt, ...completionIds], promptLength: keptPrompt.length };
}

export function collateSequences(sequences: readonly Sequence[], padId: number): SequenceBatch {
  if (sequences.length === 0) throw new RlhfError('cannot build a batch from no sequences');
  const T = Math.max(...sequences.map((s) => s.ids.length));
  const ids: number[][] = [];
  const attentionMask: number[][] = [];
  const actionMask: number[][] = [];
  for (const s of sequences) {
    const n = s.ids.length;
    ids.push([...s.ids, ...new Array<number>(T - n).fill(padId)]);
    attentionMask.push(Array.from({ length: T }, (_, t) => (t < n ? 1 : 0)));
    actionMask.push(Array.from({ length: T - 1 }, (_, t) => (t + 1 >= s.promptLength && t + 1 < n ? 1 : 0)));
  }
  return { ids, attentionMask, actionMask, completionLengths: sequences.map((s) => s.ids.length - s.promptLength) };
}

export function padIdOf(tokenizer: Tokenizer | undefined, config: Record<string, any>): number {
  const id = tokenizer?.padTokenId ?? tokenizer?.eosTokenId ?? config.pad_token_id ?? config.eos_token_id ?? 0;
  return Number.isInteger(id) ? id : 0;
}
