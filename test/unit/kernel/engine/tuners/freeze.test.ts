// freeze / unfreeze: glob and list selectors over layers() paths, { firstBlocks }, parameter counts, errors,
// and frozen weights staying bit-identical through training while the rest trains.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { create } from '../../../../../kernel/engine/models/create';
import {
  freeze,
  globToRegExp,
  parameterCounts,
  selectParameters,
  unfreeze,
} from '../../../../../kernel/engine/tuners/freeze';
import { addClassificationHead } from '../../../../../kernel/engine/heads/addHead';
import { train } from '../../../../../kernel/engine/train/trainer';
import { useTestBackend } from '../models/testBackend';
import { snapshot, TINY_DISTILBERT, TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);

test('globs: * stays inside a segment, ** crosses segments', () => {
  const cases: Array<[string, string, boolean]> = [
    ['transformer.h.*.attn', 'transformer.h.0.attn', true],
    ['transformer.h.*.attn', 'transformer.h.10.attn', true],
    ['transformer.h.*.attn', 'transformer.h.0.attn.c_attn', false],
    ['transformer.h.*', 'transformer.h.0.mlp', false],
    ['**.bias', 'transformer.h.0.attn.c_attn.bias', true],
    ['**.bias', 'bias', true],
    ['**.bias', 'transformer.h.0.attn.c_attn.weight', false],
    ['transformer.**', 'transformer.wte', true],
    ['transformer.**', 'transformer', true],
    ['transformer.**', 'transformers.wte', false],
    ['*.ln_*', 'h.ln_1', true],
    ['transformer.h.1', 'transformer.h.10', false],
    ['**', 'anything.at.all', true],
  ];
  for (const [glob, path, expected] of cases)
    assert.equal(globToRegExp(glob).test(path), expected, `${glob} vs ${path}`);
});

test('a glob selects every parameter under the matched modules; unfreeze undoes it; counts add up', () => {
  const model = create(TINY_GPT2, { seed: 1 });
  const total = parameterCounts(model).totalParams;
  const summary = freeze(model, 'transformer.h.*.attn');
  assert.deepEqual(summary.matched, ['transformer.h.0.attn', 'transformer.h.1.attn']);
  const attnParams = [...model.params].filter(([n]) => /\.attn\./.test(n));
  assert.equal(attnParams.length, 8);
  assert.ok(attnParams.every(([, v]) => !v.trainable));
  assert.ok([...model.params].filter(([n]) => !/\.attn\./.test(n)).every(([, v]) => v.trainable));
  const attnSize = attnParams.reduce((n, [, v]) => n + v.size, 0);
  assert.equal(summary.changedParams, attnSize);
  assert.equal(summary.totalParams, total);
  assert.equal(summary.trainableParams, total - attnSize);
  assert.equal(model.trainableVariables().length, model.params.size - 8);
  const layer0 = model.layers()[0].children!.find((l) => l.path === 'transformer.h')!.children![0];
  assert.equal(layer0.children!.find((l) => l.path === 'transformer.h.0.attn')!.trainable, false);
  const again = unfreeze(model, ['transformer.h.*.attn']);
  assert.equal(again.changedParams, attnSize);
  assert.equal(again.trainableParams, total);
  model.dispose();
});

test('parameter-name globs and lists', () => {
  const model = create(TINY_GPT2, { seed: 1 });
  const s = freeze(model, ['**.bias', 'transformer.wpe']);
  const frozen = [...model.params].filter(([, v]) => !v.trainable).map(([n]) => n);
  assert.ok(frozen.includes('transformer.wpe.weight'));
  assert.ok(frozen.filter((n) => n !== 'transformer.wpe.weight').every((n) => n.endsWith('.bias')));
  assert.equal(frozen.length, 1 + [...model.params.keys()].filter((n) => n.endsWith('.bias')).length);
  assert.ok(s.trainableFraction > 0 && s.trainableFraction < 1);
  model.dispose();
});

test('{ firstBlocks: k } = embeddings + the first k blocks (GPT-2, DistilBERT, a head model)', () => {
  const gpt2 = create(TINY_GPT2, { seed: 1 });
  assert.deepEqual(selectParameters(gpt2, { firstBlocks: 1 }).matched, [
    'transformer.wte',
    'transformer.wpe',
    'transformer.h.0',
  ]);
  assert.deepEqual(selectParameters(gpt2, { firstBlocks: 0 }).matched, ['transformer.wte', 'transformer.wpe']);
  const distil = create(TINY_DISTILBERT, { seed: 1 });
  assert.deepEqual(selectParameters(distil, { firstBlocks: 2 }).matched, [
    'distilbert.embeddings',
    'distilbert.transformer.layer.0',
    'distilbert.transformer.layer.1',
  ]);
  const bare = create(TINY_GPT2, { seed: 1, architecture: 'GPT2Model' });
  const head = addClassificationHead(bare, { numLabels: 2 });
  assert.deepEqual(selectParameters(head, { firstBlocks: 1 }).matched, [
    'transformer.wte',
    'transformer.wpe',
    'transformer.h.0',
  ]);
  freeze(head, { firstBlocks: 2 });
  assert.deepEqual(
    [...head.params].filter(([, v]) => v.trainable).map(([n]) => n),
    ['transformer.ln_f.weight', 'transformer.ln_f.bias', 'score.weight'],
  );
  assert.throws(() => freeze(gpt2, { firstBlocks: 3 }), /0\.\.2.*got 3/);
  [gpt2, distil, head].forEach((m) => m.dispose());
});

test('selectors that match nothing or are malformed fail clearly and change nothing', () => {
  const model = create(TINY_GPT2, { seed: 1 });
  assert.throws(
    () => freeze(model, 'transformer.blocks.*'),
    /matches no module or parameter; paths look like: transformer, transformer\.wte/,
  );
  assert.throws(() => freeze(model, []), /non-empty list/);
  assert.throws(() => freeze(model, ['transformer.h.0', 'nope']), /"nope" matches no/);
  assert.equal(model.trainableVariables().length, model.params.size);
  model.dispose();
});

test('frozen weights are bit-identical after training; trainable ones change', async () => {
  const model = create(TINY_DISTILBERT, { seed: 2 });
  freeze(model, { firstBlocks: 1 });
  const before = await snapshot(model);
  const data = Array.from({ length: 6 }, (_, i) => ({ inputIds: [2, 5 + i, 9, 3], label: i % 2 }));
  await train(model, data, { maxSteps: 3, batchSize: 3, learningRate: 5e-2, weightDecay: 0.1, progress: false });
  const after = await snapshot(model);
  for (const [name, w] of before) {
    const frozen = name.startsWith('distilbert.embeddings.') || name.startsWith('distilbert.transformer.layer.0.');
    if (frozen) assert.deepEqual(after.get(name), w, `${name} changed`);
    else assert.notDeepEqual(after.get(name), w, `${name} did not change`);
  }
  model.dispose();
});
