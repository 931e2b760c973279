// Hard prompt search: each template's accuracy equals fewShotClassify's on it, and the table is ranked by accuracy then margin.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { create } from '../../../../../kernel/engine/models/create';
import { fewShotClassify } from '../../../../../kernel/engine/icl/fewShot';
import { promptSearch } from '../../../../../kernel/engine/icl/promptSearch';
import { DISPLAY_SYMBOL } from '../../../../../kernel/engine/runtime/kernelBridge';
import { gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);

test('promptSearch ranks templates by dev accuracy, then mean margin, with display-ready rows', async () => {
  const model = create(TINY_GPT2, { seed: 21 });
  model.tokenizer = gpt2Like();
  const train = [
    { text: 'good cat', label: 1 },
    { text: 'bad dog', label: 0 },
    { text: 'the cat is good', label: 1 },
  ];
  const dev = [
    { text: 'the cat', label: 1 },
    { text: 'the dog', label: 0 },
    { text: 'a good mat', label: 1 },
    { text: 'a bad dog', label: 0 },
  ];
  const verbalizers = { 0: 'no', 1: 'yes' };
  const templates = [
    '{text} is {label}',
    'q {text} ans {label}',
    function why({ text, label }: { text: string; label?: string }) {
      return `why ${text} because${label === undefined ? '' : ` ${label}`}`;
    },
  ];
  const search = await promptSearch(model, { templates, train, dev, k: 2, seed: 1, verbalizers });
  assert.equal(search.ranked.length, 3);
  for (const entry of search.ranked) {
    const direct = await fewShotClassify(model, { train, dev, k: 2, seed: 1, verbalizers, template: entry.template });
    assert.equal(entry.accuracy, direct.accuracy);
    assert.ok(Math.abs(entry.meanMargin - direct.meanMargin) < 1e-9);
  }
  for (let i = 1; i < search.ranked.length; i++) {
    const [a, b] = [search.ranked[i - 1], search.ranked[i]];
    assert.ok(
      a.accuracy > b.accuracy || (a.accuracy === b.accuracy && a.meanMargin >= b.meanMargin),
      `row ${i} out of order`,
    );
  }
  assert.deepEqual(
    search.rows.map((r) => r.rank),
    [1, 2, 3],
  );
  assert.ok(search.rows.some((r) => r.template === 'why()'));
  assert.equal(search.best, search.ranked[0]);
  const rendered = (search as unknown as Record<symbol, () => Array<{ mime: string; data: string }>>)[DISPLAY_SYMBOL]();
  assert.match(rendered[0].data, /\| 1 \| `/);
  await assert.rejects(promptSearch(model, { templates: [], dev }), /non-empty list/);
  await assert.rejects(promptSearch(model, { templates: ['{text}'], dev }), /templates\[0\]/);
});
