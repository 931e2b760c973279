/**
 * The ranks being assigned to one item's candidates, with an undo history. Pure and immutable, so the
 * view re-renders from it and the unit tests drive it without a DOM.
 * `ranks[i]` is candidate i's place (1 = best) or undefined while unranked; equal places are ties.
 */
export interface RankingState {
  readonly ranks: ReadonlyArray<number | undefined>;
  readonly history: ReadonlyArray<ReadonlyArray<number | undefined>>;
}

export function initialRanking(candidates: number): RankingState {
  return { ranks: new Array<number | undefined>(candidates).fill(undefined), history: [] };
}

/** Gives candidate `index` the place `rank` (1..K); pressing the same rank again clears it. */
export function assignRank(state: RankingState, index: number, rank: number): RankingState {
  const k = state.ranks.length;
  if (index < 0 || index >= k || !Number.isInteger(rank) || rank < 1 || rank > k) return state;
  const ranks = [...state.ranks];
  ranks[index] = ranks[index] === rank ? undefined : rank;
  return { ranks, history: [...state.history, state.ranks] };
}

/** Ranks from an order of candidate indexes, best first (drag and drop): a strict ranking. */
export function rankByOrder(state: RankingState, order: readonly number[]): RankingState {
  const ranks = new Array<number | undefined>(state.ranks.length).fill(undefined);
  order.forEach((candidate, position) => (ranks[candidate] = position + 1));
  return { ranks, history: [...state.history, state.ranks] };
}

/** Moves candidate `from` to position `to` of the current display order, then ranks by that order. */
export function moveCandidate(state: RankingState, from: number, toPosition: number): RankingState {
  const order = displayOrder(state).filter((i) => i !== from);
  order.splice(Math.max(0, Math.min(toPosition, order.length)), 0, from);
  return rankByOrder(state, order);
}

export function undo(state: RankingState): RankingState {
  if (state.history.length === 0) return state;
  return { ranks: state.history[state.history.length - 1], history: state.history.slice(0, -1) };
}

export function isComplete(state: RankingState): state is RankingState & { ranks: readonly number[] } {
  return state.ranks.length >= 2 && state.ranks.every((r) => r !== undefined);
}

/** Candidate indexes ordered by rank (unranked last), keeping the original order among equals. */
export function displayOrder(state: RankingState): number[] {
  const key = (i: number) => state.ranks[i] ?? Number.POSITIVE_INFINITY;
  return state.ranks.map((_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
}

/** The next candidate after `from` (wrapping) that has no rank yet, or `from` when all are ranked. */
export function nextUnranked(state: RankingState, from: number): number {
  const k = state.ranks.length;
  for (let step = 1; step <= k; step++) {
    const i = (from + step) % k;
    if (state.ranks[i] === undefined) return i;
  }
  return from;
}
