/**
 * `preferences(path, options)`: preference pairs from the ranking store (`.tunebook/rankings.jsonl`: full or partial
 * rankings with ties, thumbs ratings) or from TRL-style `{prompt, chosen, rejected}` rows in the same file. Rankings
 * of one item by several annotators are merged (pairwise majority or Borda count) before pairs are derived. Parsing,
 * merging and the TRL / OpenAI exports are the store's own functions.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { mergeRankings, type MergeMethod } from '../../store/preferenceMerge';
import { preferencePairs, toJsonl, toOpenAiRows, toTrlRows } from '../../store/preferenceExport';
import { PREFERENCE_RECORD_VERSION, type PreferenceRecord, type RankingRecord } from '../../store/preferenceRecord';
import { parsePreferenceLines, type StoreWarning } from '../../store/preferenceStore';
import type { PreferencePair } from './pairs';
import { RlhfError } from './rlhfError';

export interface PreferencesOptions {
  /** How rankings of the same prompt and candidates by several annotators combine (default 'majority'); 'none' keeps every annotator's pairs. */
  merge?: MergeMethod | 'none';
}

export class Preferences implements Iterable<PreferencePair> {
  /** Pairs in file order of their (merged) records. */
  readonly pairs: PreferencePair[];

  constructor(
    /** Records after merging (merged rankings, ratings). */
    readonly records: PreferenceRecord[],
    /** Lines skipped while reading, each with why. */
    readonly warnings: StoreWarning[],
  ) {
    this.pairs = preferencePairs(records);
  }

  [Symbol.iterator](): Iterator<PreferencePair> {
    return this.pairs[Symbol.iterator]();
  }

  get length(): number {
    return this.pairs.length;
  }

  /** TRL's `prompt / chosen / rejected` JSONL. */
  toTrlJsonl(): string {
    return toJsonl(toTrlRows(this.records));
  }

  /** OpenAI preference fine-tuning JSONL (`input`, `preferred_output`, `non_preferred_output`). */
  toOpenAiJsonl(): string {
    return toJsonl(toOpenAiRows(this.records));
  }

  async writeTrl(path: string): Promise<void> {
    await writeFile(path, this.toTrlJsonl(), 'utf8');
  }

  async writeOpenAi(path: string): Promise<void> {
    await writeFile(path, this.toOpenAiJsonl(), 'utf8');
  }
}

export async function preferences(path: string, options: PreferencesOptions = {}): Promise<Preferences> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RlhfError(`cannot read the rankings file ${path}: ${(error as Error).message}`);
  }
  return preferencesFromText(text, options);
}

export function preferencesFromText(text: string, options: PreferencesOptions = {}): Preferences {
  const method = options.merge ?? 'majority';
  if (method !== 'majority' && method !== 'borda' && method !== 'none')
    throw new RlhfError(`merge must be 'majority', 'borda' or 'none', got ${JSON.stringify(method)}`);
  const { storeText, pairRecords } = splitPairRows(text);
  const { records, warnings } = parsePreferenceLines(storeText);
  const all = [...records, ...pairRecords];
  if (method === 'none') return new Preferences(all, warnings);
  const rankings = all.filter((r): r is RankingRecord => r.type === 'ranking');
  const others = all.filter((r) => r.type !== 'ranking');
  return new Preferences([...mergeRankings(rankings, method), ...others], warnings);
}

/**
 * TRL rows become two-candidate rankings (so they merge and export like the rest); their lines are blanked in the
 * text given to the store's parser, which keeps line numbers in its warnings right.
 */
function splitPairRows(text: string): { storeText: string; pairRecords: RankingRecord[] } {
  const pairRecords: RankingRecord[] = [];
  const lines = text.split('\n').map((line, index) => {
    if (!line.trimStart().startsWith('{')) return line;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line);
    } catch {
      return line;
    }
    if (!value || typeof value !== 'object' || 'v' in value) return line;
    const { prompt, chosen, rejected } = value;
    if (typeof prompt !== 'string' || typeof chosen !== 'string' || typeof rejected !== 'string') return line;
    pairRecords.push({
      v: PREFERENCE_RECORD_VERSION,
      type: 'ranking',
      id: `pair-line-${index + 1}`,
      timestamp: typeof value.timestamp === 'string' ? value.timestamp : '',
      annotator: typeof value.annotator === 'string' ? value.annotator : `line-${index + 1}`,
      prompt,
      candidates: [chosen, rejected],
      ranks: [1, 2],
      pairs: [[0, 1]],
    });
    return '';
  });
  return { storeText: lines.join('\n'), pairRecords };
}
