/**
 * Merges rankings of the same item (same prompt and same set of candidates) by several annotators into one
 * consensus ranking, by pairwise majority or by Borda count. An annotator who ranked an item more than once
 * counts once, with their latest ranking.
 */
import { PREFERENCE_RECORD_VERSION, pairsFromRanks, type RankingRecord } from './preferenceRecord';

export type MergeMethod = 'majority' | 'borda';

export interface MergedRanking extends RankingRecord {
  merge: { method: MergeMethod; annotators: string[]; scores: number[] };
}

export function mergeRankings(records: readonly RankingRecord[], method: MergeMethod): MergedRanking[] {
  const groups = new Map<string, RankingRecord[]>();
  for (const r of records) {
    const key = JSON.stringify([r.prompt, [...r.candidates].sort()]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => mergeGroup(latestPerAnnotator(group), method));
}

function latestPerAnnotator(group: RankingRecord[]): RankingRecord[] {
  const latest = new Map<string, RankingRecord>();
  for (const r of group) {
    const seen = latest.get(r.annotator);
    if (!seen || seen.timestamp <= r.timestamp) latest.set(r.annotator, r);
  }
  return [...latest.values()];
}

function mergeGroup(group: RankingRecord[], method: MergeMethod): MergedRanking {
  const candidates = group[0].candidates;
  const n = candidates.length;
  // Each annotator's ranks re-indexed to the first record's candidate order.
  const aligned = group.map((r) => candidates.map((c) => r.ranks[r.candidates.indexOf(c)]));
  const wins = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const ranks of aligned)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (ranks[i] < ranks[j]) wins[i][j]++;

  let scores: number[];
  let pairs: Array<[number, number]>;
  if (method === 'borda') {
    // Per annotator: 1 point per candidate ranked strictly worse, 1/2 per tie.
    scores = candidates.map((_, i) =>
      aligned.reduce(
        (sum, ranks) =>
          sum + ranks.reduce((s, rj, j) => s + (j === i ? 0 : ranks[i] < rj ? 1 : ranks[i] === rj ? 0.5 : 0), 0),
        0,
      ),
    );
    const ranks = ranksFromScores(scores);
    pairs = pairsFromRanks(ranks);
    return build(group, candidates, ranks, pairs, method, scores);
  }
  pairs = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (wins[i][j] > wins[j][i]) pairs.push([i, j]);
  // Copeland score orders the candidates; pairs stay the pairwise majorities themselves.
  scores = candidates.map((_, i) => pairs.filter(([a]) => a === i).length - pairs.filter(([, b]) => b === i).length);
  return build(group, candidates, ranksFromScores(scores), pairs, method, scores);
}

/** Competition ranks, highest score first ("1224"). */
function ranksFromScores(scores: number[]): number[] {
  return scores.map((s) => 1 + scores.filter((other) => other > s).length);
}

function build(
  group: RankingRecord[],
  candidates: string[],
  ranks: number[],
  pairs: Array<[number, number]>,
  method: MergeMethod,
  scores: number[],
): MergedRanking {
  const annotators = group.map((r) => r.annotator).sort();
  const timestamp =
    group
      .map((r) => r.timestamp)
      .sort()
      .at(-1) ?? new Date().toISOString();
  return {
    v: PREFERENCE_RECORD_VERSION,
    type: 'ranking',
    id: `merged-${method}-${group
      .map((r) => r.id)
      .sort()
      .join('+')}`,
    timestamp,
    annotator: `${method}(${annotators.join(',')})`,
    prompt: group[0].prompt,
    candidates: [...candidates],
    ranks,
    pairs,
    merge: { method, annotators, scores },
  };
}
