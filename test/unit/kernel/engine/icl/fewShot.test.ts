// In-context learning: label scores equal the log-likelihood summed by hand from model.logits, prompts are built
// exactly from the template, nearest-neighbour selection picks the most similar training texts, and no tensors leak.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { scoreContinuations } from '../../../../../kernel/engine/icl/labelScoring';
import { fewShotClassify } from '../../../../../kernel/engine/icl/fewShot';
import { selectDemonstrations } from '../../../../../kernel/engine/icl/selection';
import { buildFewShotPrompt } from '../../../../../kernel/engine/icl/template';
import { gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);

function tinyGpt2(seed = 3) {
  const model = create(TINY_GPT2, { seed });
  model.tokenizer = gpt2Like();
  return model;
}

/** log p(continuation | prompt) from unpadded single-row forwards and a softmax written out in JS. */
function handScore(model: ReturnType<typeof tinyGpt2>, prompt: number[], continuation: number[]): number {
  const row = [...prompt, ...continuation];
  const logits = tf.tidy(() => model.logits([row]).arraySync() as number[][][])[0];
  let total = 0;
  continuation.forEach((token, j) => {
    const z = logits[prompt.length + j - 1];
    const max = Math.max(...z);
    const logSumExp = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    total += z[token] - logSumExp;
  });
  return total;
}

const TOL = 1e-4; // float32 forward vs float64 softmax

test('label scores are the summed log-likelihood of each verbaliser, also with candidates of different lengths', () => {
  const model = tinyGpt2();
  const prompt = [2, 3, 4, 5, 6];
  const candidates = [[15], [16, 17], [10, 11, 12]];
  const before = tf.memory().numTensors;
  const scores = scoreContinuations(model, prompt, candidates, 0);
  assert.equal(tf.memory().numTensors, before);
  candidates.forEach((c, i) =>
    assert.ok(Math.abs(scores[i] - handScore(model, prompt, c)) < TOL, `candidate ${i}: ${scores[i]}`),
  );
  assert.ok(scores.every((s) => s < 0));
  assert.throws(() => scoreContinuations(model, prompt, [[]]), /no tokens/);
});

test('prompts follow the template: demonstrations filled, the query cut before its label, trailing space moved to the label', () => {
  const p = buildFewShotPrompt(
    'Q: {text}\nA: {label}',
    [
      { text: 'the cat', label: 'yes' },
      { text: 'a dog', label: 'no' },
    ],
    'the mat',
  );
  assert.equal(p.prompt, 'Q: the cat\nA: yes\n\nQ: a dog\nA: no\n\nQ: the mat\nA:');
  assert.equal(p.labelPrefix, ' ');
  const f = buildFewShotPrompt(
    ({ text, label }) => `${text} =${label === undefined ? '' : ` ${label}`}`,
    [{ text: 'x', label: 'yes' }],
    'y',
    '\n',
  );
  assert.equal(f.prompt, 'x = yes\ny =');
  assert.throws(() => buildFewShotPrompt('no slots', [], 'q'), /no \{text\} slot/);
  assert.throws(() => buildFewShotPrompt('{text} and no label', [], 'q'), /no \{label\} slot/);
});

const train = [
  { text: 'the cat is good', label: 'pos' },
  { text: 'the dog is bad', label: 'neg' },
  { text: 'a cat sat on the mat', label: 'pos' },
  { text: 'a dog ran', label: 'neg' },
  { text: 'good cat', label: 'pos' },
  { text: 'bad dog', label: 'neg' },
];
const dev = [
  { text: 'the cat sat', label: 'pos' },
  { text: 'the dog is bad', label: 'neg' },
  { text: 'good mat', label: 'pos' },
  { text: 'a bad dog ran', label: 'neg' },
];

test('fewShotClassify predicts the label with the highest hand-computed score and reports accuracy and margins', async () => {
  const model = tinyGpt2(7);
  const tok = model.tokenizer!;
  const verbalizers = { pos: 'yes', neg: 'no' };
  const before = tf.memory().numTensors;
  const result = await fewShotClassify(model, {
    train,
    dev,
    template: 'q {text} ans {label}',
    k: 2,
    selection: 'random',
    seed: 5,
    verbalizers,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(result.n, dev.length);
  let correct = 0;
  result.predictions.forEach((p, i) => {
    assert.equal(p.demonstrations.length, 2);
    assert.equal(new Set(p.demonstrations).size, 2);
    const demos = p.demonstrations.map((j) => `q ${train[j].text} ans ${verbalizers[train[j].label as 'pos' | 'neg']}`);
    assert.equal(p.prompt, [...demos, `q ${dev[i].text} ans`].join('\n\n'));
    const ids = tok.encode(p.prompt);
    const pos = handScore(model, ids, tok.encode(' yes', { addSpecialTokens: false }));
    const neg = handScore(model, ids, tok.encode(' no', { addSpecialTokens: false }));
    assert.ok(Math.abs(p.scores.pos - pos) < TOL && Math.abs(p.scores.neg - neg) < TOL);
    assert.equal(p.predicted, pos > neg ? 'pos' : 'neg');
    const margin = p.label === 'pos' ? pos - neg : neg - pos;
    assert.ok(Math.abs(p.margin - margin) < TOL);
    if (p.predicted === dev[i].label) correct++;
  });
  assert.equal(result.accuracy, correct / dev.length);
  const again = await fewShotClassify(model, {
    train,
    dev,
    template: 'q {text} ans {label}',
    k: 2,
    selection: 'random',
    seed: 5,
    verbalizers,
  });
  assert.deepEqual(
    again.predictions.map((p) => p.demonstrations),
    result.predictions.map((p) => p.demonstrations),
    'same seed, same draws',
  );
});

test('nearest-neighbour selection picks the training texts closest by cosine of mean-pooled hidden states', async () => {
  const model = tinyGpt2(11);
  const tok = model.tokenizer!;
  const texts = train.map((e) => e.text);
  const queries = ['the dog is bad', 'good cat sat'];
  const chosen = await selectDemonstrations(model, texts, queries, { k: 3, selection: 'nearest' });
  const meanVector = (text: string) => {
    const h = tf.tidy(() => model.hidden([tok.encode(text)]).arraySync() as number[][][])[0];
    return h[0].map((_, c) => h.reduce((s, row) => s + row[c], 0) / h.length);
  };
  const cosine = (a: number[], b: number[]) =>
    a.reduce((s, x, i) => s + x * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));
  const trainVectors = texts.map(meanVector);
  queries.forEach((q, qi) => {
    const qv = meanVector(q);
    const expected = trainVectors
      .map((v, i) => ({ i, s: cosine(qv, v) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 3)
      .map((x) => x.i)
      .reverse();
    assert.deepEqual(chosen[qi], expected, `query ${qi}`);
  });
  assert.equal(chosen[0][2], 1, 'an identical training text is the closest demonstration, placed last');
  const result = await fewShotClassify(model, {
    train,
    dev,
    template: 'q {text} ans {label}',
    k: 3,
    selection: 'nearest',
    verbalizers: { pos: 'yes', neg: 'no' },
  });
  assert.equal(result.predictions[1].demonstrations.at(-1), 1);
});

test('bad input gets specific errors', async () => {
  const model = tinyGpt2();
  await assert.rejects(
    fewShotClassify(model, { train, dev, template: 'q {text} ans {label}', k: 7 }),
    /only 6 examples/,
  );
  await assert.rejects(
    fewShotClassify(model, { train, dev, template: 'q {text} ans {label}', verbalizers: { pos: 'yes' } }),
    /"neg" has no verbaliser/,
  );
  await assert.rejects(fewShotClassify(model, { train, dev: [], template: 'q {text} ans {label}' }), /dev must hold/);
  await assert.rejects(fewShotClassify(model, { train, dev, template: 'q {text}' }), /no \{label\} slot/);
});
