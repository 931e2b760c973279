import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeRankings } from '../../../../kernel/store/preferenceMerge';
import { makeRankingRecord } from '../../../../kernel/store/preferenceStore';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
// Three annotators rank A, B, C (alice lists them in another order; the merge matches candidates by text).
const alice = makeRankingRecord({
  prompt: 'p',
  candidates: ['C', 'A', 'B'],
  ranks: [3, 1, 2],
  annotator: 'alice',
  timestamp: at(1),
}); // A > B > C
const bob = makeRankingRecord({
  prompt: 'p',
  candidates: ['A', 'B', 'C'],
  ranks: [2, 1, 3],
  annotator: 'bob',
  timestamp: at(2),
}); // B > A > C
const carol = makeRankingRecord({
  prompt: 'p',
  candidates: ['A', 'B', 'C'],
  ranks: [1, 3, 2],
  annotator: 'carol',
  timestamp: at(3),
}); // A > C > B

describe('merging rankings of several annotators', () => {
  it('majority: a pair wins when more annotators prefer it', () => {
    const [merged] = mergeRankings([alice, bob, carol], 'majority');
    // In alice's candidate order C, A, B: A>B 2:1, A>C 3:0, B>C 2:1.
    assert.deepEqual(merged.candidates, ['C', 'A', 'B']);
    assert.deepEqual(
      new Set(merged.pairs.map(([i, j]) => `${merged.candidates[i]}>${merged.candidates[j]}`)),
      new Set(['A>B', 'A>C', 'B>C']),
    );
    assert.deepEqual(merged.ranks, [3, 1, 2]);
    assert.deepEqual(merged.merge.annotators, ['alice', 'bob', 'carol']);
  });

  it('Borda: points for each candidate ranked below, half a point per tie', () => {
    const dave = makeRankingRecord({
      prompt: 'p',
      candidates: ['A', 'B', 'C'],
      ranks: [2, 1, 1],
      annotator: 'dave',
      timestamp: at(4),
    }); // B = C > A
    const [merged] = mergeRankings([alice, bob, carol, dave], 'borda');
    // A: 2+1+2+0 = 5, B: 1+2+0+1.5 = 4.5, C: 0+0+1+1.5 = 2.5 (in order C, A, B).
    assert.deepEqual(merged.merge.scores, [2.5, 5, 4.5]);
    assert.deepEqual(merged.ranks, [3, 1, 2]);
  });

  it('an annotator counts once, with their latest ranking; other items merge separately', () => {
    const bobAgain = makeRankingRecord({
      prompt: 'p',
      candidates: ['A', 'B', 'C'],
      ranks: [3, 2, 1],
      annotator: 'bob',
      timestamp: at(9),
    }); // C > B > A
    const other = makeRankingRecord({ prompt: 'q', candidates: ['x', 'y'], ranks: [2, 1], annotator: 'bob' });
    const merged = mergeRankings([alice, bob, bobAgain, other], 'borda');
    assert.equal(merged.length, 2);
    const p = merged.find((m) => m.prompt === 'p')!;
    assert.deepEqual(p.merge.annotators, ['alice', 'bob']);
    // alice A>B>C and bob (latest) C>B>A: A 2+0, B 1+1, C 0+2 → all tied at 2.
    assert.deepEqual(p.ranks, [1, 1, 1]);
    assert.deepEqual(p.pairs, []);
    assert.deepEqual(merged.find((m) => m.prompt === 'q')!.pairs, [[1, 0]]);
  });
});
