/**
 * The records `.tunebook/rankings.jsonl` holds, one JSON object per line. Node-free types: the extension,
 * the webviews' tests and the RLHF engine read them.
 */

export const PREFERENCE_RECORD_VERSION = 1;

/** Where a judged item came from. */
export type PreferenceSource =
  | { kind: 'jsonl'; file: string; line: number }
  | { kind: 'model'; model: string; sampling?: Record<string, number> }
  | { kind: 'compare'; variant: string; input: string }
  | { kind: 'other'; detail?: string };

/** A full ranking of K candidates for one prompt. `ranks[i]` is candidate i's place: 1 is best, equal numbers are ties. */
export interface RankingRecord {
  v: typeof PREFERENCE_RECORD_VERSION;
  type: 'ranking';
  id: string;
  timestamp: string;
  annotator: string;
  prompt: string;
  candidates: string[];
  ranks: number[];
  /** Every `[chosen, rejected]` pair of candidate indexes the ranks imply (ties give no pair). */
  pairs: Array<[number, number]>;
  source?: PreferenceSource;
}

/** A thumbs up (+1) or down (-1) on one completion (from the prompt comparison grid). */
export interface RatingRecord {
  v: typeof PREFERENCE_RECORD_VERSION;
  type: 'rating';
  id: string;
  timestamp: string;
  annotator: string;
  prompt: string;
  completion: string;
  rating: 1 | -1;
  source?: PreferenceSource;
}

export type PreferenceRecord = RankingRecord | RatingRecord;

/** `[chosen, rejected]` for every two candidates whose ranks differ, best-ranked first. */
export function pairsFromRanks(ranks: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const order = ranks.map((_, i) => i).sort((a, b) => ranks[a] - ranks[b] || a - b);
  for (let x = 0; x < order.length; x++) {
    for (let y = x + 1; y < order.length; y++) {
      const [i, j] = [order[x], order[y]];
      if (ranks[i] < ranks[j]) pairs.push([i, j]);
    }
  }
  return pairs;
}

/** Why a parsed line is not a preference record, or undefined when it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (r.v !== PREFERENCE_RECORD_VERSION)
    return `unknown record version ${JSON.stringify(r.v)} (this Tunebook reads version ${PREFERENCE_RECORD_VERSION})`;
  for (const key of ['id', 'timestamp', 'annotator', 'prompt'] as const) {
    if (typeof r[key] !== 'string') return `"${key}" must be a string`;
  }
  if (r.type === 'ranking') {
    if (!Array.isArray(r.candidates) || !r.candidates.every((c) => typeof c === 'string'))
      return '"candidates" must be an array of strings';
    if (!Array.isArray(r.ranks) || r.ranks.length !== r.candidates.length)
      return '"ranks" must have one entry per candidate';
    if (!r.ranks.every((n) => Number.isInteger(n) && (n as number) >= 1)) return '"ranks" must be whole numbers from 1';
    if (!Array.isArray(r.pairs)) return '"pairs" must be an array';
    return undefined;
  }
  if (r.type === 'rating') {
    if (typeof r.completion !== 'string') return '"completion" must be a string';
    if (r.rating !== 1 && r.rating !== -1) return '"rating" must be 1 or -1';
    return undefined;
  }
  return `unknown record type ${JSON.stringify(r.type)}`;
}
