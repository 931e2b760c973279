/**
 * Exports stored preferences to training formats: TRL's `prompt/chosen/rejected` rows and OpenAI's
 * preference fine-tuning rows. Rankings give one row per derived pair; ratings of the same prompt give one
 * row per (thumbs up, thumbs down) pair.
 */
import type { PreferenceRecord, RankingRecord, RatingRecord } from './preferenceRecord';

export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface TrlRow {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface OpenAiPreferenceRow {
  input: { messages: Array<{ role: 'user'; content: string }> };
  preferred_output: Array<{ role: 'assistant'; content: string }>;
  non_preferred_output: Array<{ role: 'assistant'; content: string }>;
}

export function preferencePairs(records: readonly PreferenceRecord[]): PreferencePair[] {
  const pairs: PreferencePair[] = [];
  for (const r of records) {
    if (r.type !== 'ranking') continue;
    for (const [chosen, rejected] of r.pairs)
      pairs.push({ prompt: r.prompt, chosen: r.candidates[chosen], rejected: r.candidates[rejected] });
  }
  pairs.push(...ratingPairs(records.filter((r): r is RatingRecord => r.type === 'rating')));
  return pairs;
}

function ratingPairs(ratings: readonly RatingRecord[]): PreferencePair[] {
  const byPrompt = new Map<string, { up: string[]; down: string[] }>();
  for (const r of ratings) {
    const entry = byPrompt.get(r.prompt) ?? { up: [], down: [] };
    const list = r.rating === 1 ? entry.up : entry.down;
    if (!list.includes(r.completion)) list.push(r.completion);
    byPrompt.set(r.prompt, entry);
  }
  const pairs: PreferencePair[] = [];
  for (const [prompt, { up, down }] of byPrompt) {
    for (const chosen of up)
      for (const rejected of down) if (chosen !== rejected) pairs.push({ prompt, chosen, rejected });
  }
  return pairs;
}

export function toTrlRows(records: readonly PreferenceRecord[]): TrlRow[] {
  return preferencePairs(records).map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected }));
}

export function toOpenAiRows(records: readonly PreferenceRecord[]): OpenAiPreferenceRow[] {
  return preferencePairs(records).map(({ prompt, chosen, rejected }) => ({
    input: { messages: [{ role: 'user', content: prompt }] },
    preferred_output: [{ role: 'assistant', content: chosen }],
    non_preferred_output: [{ role: 'assistant', content: rejected }],
  }));
}

export function toJsonl(rows: readonly unknown[]): string {
  return rows.map((row) => JSON.stringify(row) + '\n').join('');
}

export type { RankingRecord };
