// The ranking view's pure state and key map (webviews/ranking/rankingState.ts, rankingKeys.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankingKeyAction } from '../../../../webviews/ranking/rankingKeys';
import {
  assignRank,
  displayOrder,
  initialRanking,
  isComplete,
  moveCandidate,
  nextUnranked,
  undo,
} from '../../../../webviews/ranking/rankingState';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('ranking state', () => {
  it('assigns places with ties, toggles a place off, and completes when every candidate has one', () => {
    let s = initialRanking(3);
    assert.equal(isComplete(s), false);
    s = assignRank(s, 0, 1);
    s = assignRank(s, 1, 1); // tie
    assert.equal(isComplete(s), false);
    s = assignRank(s, 2, 3);
    assert.equal(isComplete(s), true);
    assert.deepEqual(s.ranks, [1, 1, 3]);
    s = assignRank(s, 2, 3); // same key again clears it
    assert.deepEqual(s.ranks, [1, 1, undefined]);
  });

  it('ignores places outside 1..K and unknown candidates', () => {
    const s = initialRanking(3);
    assert.equal(assignRank(s, 0, 4), s);
    assert.equal(assignRank(s, 3, 1), s);
    assert.equal(assignRank(s, 0, 0), s);
  });

  it('undo walks back one change at a time, and stops at the start', () => {
    let s = assignRank(assignRank(initialRanking(2), 0, 2), 1, 1);
    s = undo(s);
    assert.deepEqual(s.ranks, [2, undefined]);
    s = undo(undo(s));
    assert.deepEqual(s.ranks, [undefined, undefined]);
    assert.equal(s.history.length, 0);
  });

  it('dragging a candidate to a position ranks strictly by the new order', () => {
    let s = assignRank(assignRank(assignRank(initialRanking(3), 0, 1), 1, 2), 2, 3);
    assert.deepEqual(displayOrder(s), [0, 1, 2]);
    s = moveCandidate(s, 2, 0); // candidate 3 to the top
    assert.deepEqual(s.ranks, [2, 3, 1]);
    assert.deepEqual(displayOrder(s), [2, 0, 1]);
    assert.deepEqual(undo(s).ranks, [1, 2, 3]);
  });

  it('shows ranked candidates first by place and finds the next unranked one', () => {
    const s = assignRank(initialRanking(4), 2, 1);
    assert.deepEqual(displayOrder(s), [2, 0, 1, 3]);
    assert.equal(nextUnranked(s, 1), 3);
    assert.equal(nextUnranked(s, 3), 0);
  });
});

describe('ranking keys', () => {
  it('maps number keys within K to places, and S, U, Ctrl+Z, Enter, arrows', () => {
    assert.deepEqual(rankingKeyAction(key('2'), 3), { kind: 'rank', rank: 2 });
    assert.deepEqual(rankingKeyAction(key('4'), 3), { kind: 'none' });
    assert.deepEqual(rankingKeyAction(key('s'), 3), { kind: 'skip' });
    assert.deepEqual(rankingKeyAction(key('S'), 3), { kind: 'skip' });
    assert.deepEqual(rankingKeyAction(key('u'), 3), { kind: 'undo' });
    assert.deepEqual(rankingKeyAction(key('z', { ctrlKey: true }), 3), { kind: 'undo' });
    assert.deepEqual(rankingKeyAction(key('z', { metaKey: true }), 3), { kind: 'undo' });
    assert.deepEqual(rankingKeyAction(key('Enter'), 3), { kind: 'submit' });
    assert.deepEqual(rankingKeyAction(key('ArrowDown'), 3), { kind: 'focus', delta: 1 });
    assert.deepEqual(rankingKeyAction(key('ArrowUp'), 3), { kind: 'focus', delta: -1 });
    assert.deepEqual(rankingKeyAction(key('s', { ctrlKey: true }), 3), { kind: 'none' }, "Ctrl+S stays VS Code's");
    assert.deepEqual(rankingKeyAction(key('1', { altKey: true }), 3), { kind: 'none' });
  });
});
