/**
 * Writes the stored rankings fixture `examples/data/rlhf-rankings.jsonl` and its prompts
 * `examples/data/rlhf-prompts.json` (used by examples/rlhf.ftnb and the RLHF end-to-end test).
 * Candidates are seeded samples of the embedded tiny-gpt2; the synthetic rule prefers a completion that contains
 * the word "the". Three annotators rank every prompt's candidates (ties allowed: all "the" completions share
 * rank 1): alice and bob follow the rule, carol ranks the other way round on every third prompt, so a majority
 * or Borda merge recovers the rule.
 * Run: node --import tsx test/unit/kernel/engine/rlhf/makeRankingsFixture.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTestBackend } from '../models/testBackend';
import { load } from '../../../../../kernel/engine/models/load';
import { Rng } from '../../../../../kernel/engine/train/rng';
import { sampleCompletions } from '../../../../../kernel/engine/rlhf/rollouts';
import { makeRankingRecord } from '../../../../../kernel/store/preferenceStore';

export const TRAIN_PROMPTS = [
  'Call me Ishmael.',
  'The ship',
  'He said that',
  'In the morning',
  'The captain',
  'Upon the deck',
  'And so',
  'It was a',
  'The old man',
  'At last',
  'There she blows!',
  'The harpooneer',
  'All hands',
  'When I',
  'The boat',
  'Now, as',
  'Queequeg',
  'Ahab stood',
  'The crew',
  'By the',
  'We sailed',
  'Starbuck looked',
  'The wind',
  'Stubb laughed',
  'Far away',
  'Below',
  'The mast',
  'Then he',
  'Some years ago',
  'The sailors',
  'Meanwhile',
  'But the',
  'For a moment',
  'The sea',
  'Out of',
  'Thus',
  'The mate',
  'Yet',
  'His eyes',
  'The water',
  'So saying',
  'Nantucket',
  'The whale',
  'Over the',
  'Slowly',
  'A strange',
  'Look ye',
  'The night',
];
export const HELD_OUT_PROMPTS = [
  'The Pequod',
  'Then the',
  'Flask said',
  'On deck',
  'The harpoon',
  'After that',
  'I saw',
  'The men',
  'Once more',
  'The line',
  'Aloft',
  'The cabin',
];
export const CANDIDATES_PER_PROMPT = 4;
export const MAX_NEW_TOKENS = 8;

export function containsThe(text: string): boolean {
  return /\bthe\b/.test(text);
}

async function main() {
  await useTestBackend();
  const model = await load(join(__dirname, '../../../../../kernel/assets/models/tiny-gpt2'));
  const rng = Rng.fromSeed(7);
  const lines: string[] = [];
  const start = Date.parse('2026-11-01T09:00:00Z');
  for (const [i, prompt] of TRAIN_PROMPTS.entries()) {
    const samples = await sampleCompletions(model, new Array(CANDIDATES_PER_PROMPT).fill(prompt), rng, {
      maxNewTokens: MAX_NEW_TOKENS,
    });
    const candidates = samples.map((s) => s.completion);
    const byRule = candidates.map((c) => (containsThe(c) ? 1 : 2));
    const againstRule = byRule.map((r) => 3 - r);
    for (const [annotator, ranks] of [
      ['alice', byRule],
      ['bob', byRule],
      ['carol', i % 3 === 0 ? againstRule : byRule],
    ] as const) {
      const record = makeRankingRecord({
        prompt,
        candidates,
        ranks: [...ranks],
        annotator,
        timestamp: new Date(start + lines.length * 60_000),
      });
      lines.push(JSON.stringify({ ...record, id: `fixture-${lines.length + 1}` }));
    }
  }
  const dir = join(__dirname, '../../../../../examples/data');
  writeFileSync(join(dir, 'rlhf-rankings.jsonl'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'rlhf-prompts.json'),
    JSON.stringify(
      { rule: 'prefer the completion containing the word "the"', train: TRAIN_PROMPTS, heldOut: HELD_OUT_PROMPTS },
      null,
      2,
    ) + '\n',
  );
  model.dispose();
}

if (require.main === module) void main();
