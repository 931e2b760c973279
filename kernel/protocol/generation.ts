/**
 * What the generating panels (prompt comparison, ranking) share: decoding settings, limits and error codes.
 * Free of imports, so the webviews' browser bundles can take values from this file directly.
 */

/** Candidates a ranking shows: 2 to 9, so the number keys 1-9 can rank them all. */
export const MAX_RANK_CANDIDATES = 9;

/** Decoding settings passed to `model.generate` (temperature 0 = greedy). */
export interface SamplingSettings {
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export const GenerationErrorCode = {
  /** The named global holds no model, or the model has no tokenizer to turn text into tokens. */
  noSuchModel: 3101,
  /** The named global is missing or is not a list of strings. */
  badVariable: 3102,
  /** Parameters out of range (count, maxNewTokens, too many jobs). */
  badParams: 3103,
} as const;
