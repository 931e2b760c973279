/** What a key press means in the ranking view (documented in the view's help line). */
export type RankingKeyAction =
  | { kind: 'rank'; rank: number }
  | { kind: 'skip' }
  | { kind: 'undo' }
  | { kind: 'submit' }
  | { kind: 'focus'; delta: number }
  | { kind: 'none' };

export function rankingKeyAction(
  event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  candidates: number,
): RankingKeyAction {
  const key = event.key;
  if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === 'z') return { kind: 'undo' };
  if (event.ctrlKey || event.metaKey || event.altKey) return { kind: 'none' };
  if (/^[1-9]$/.test(key) && Number(key) <= candidates) return { kind: 'rank', rank: Number(key) };
  switch (key.toLowerCase()) {
    case 's':
      return { kind: 'skip' };
    case 'u':
      return { kind: 'undo' };
    case 'enter':
      return { kind: 'submit' };
    case 'arrowdown':
    case 'j':
      return { kind: 'focus', delta: 1 };
    case 'arrowup':
    case 'k':
      return { kind: 'focus', delta: -1 };
    default:
      return { kind: 'none' };
  }
}
