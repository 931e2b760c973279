// Soft prompt tuning learns classification: on tiny-distilbert with a mean-pooled head, a keyword → label task goes
// well above chance in a few seconds, and the prompt itself trains (it is among the head model's trainable variables
// and changes). A built-in [CLS] head reads the first real token, not a virtual one. Runs on wasm unless
// TUNEBOOK_BACKEND names another backend (the cpu backend takes ~40 s for this).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { addClassificationHead } from '../../../../../kernel/engine/heads/addHead';
import { evaluate } from '../../../../../kernel/engine/train/evaluate';
import { train } from '../../../../../kernel/engine/train/trainer';
import { Rng } from '../../../../../kernel/engine/train/rng';
import { promptTuning } from '../../../../../kernel/engine/tuners/promptTuning';
import { fixtureDir } from '../models/golden';
import { useTestBackend } from '../models/testBackend';

before(async () => {
  process.env.TUNEBOOK_BACKEND ||= 'wasm';
  await useTestBackend();
});

const FILLER = [
  'the',
  'sea',
  'was',
  'calm',
  'and',
  'we',
  'saw',
  'a',
  'ship',
  'at',
  'dawn',
  'near',
  'land',
  'people',
  'of',
  'nation',
];

/** Six random filler words with one keyword inserted at a random place; the keyword is the label. */
function keywordTask(n: number, seed: number): Array<{ text: string; label: string }> {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 6 }, () => FILLER[Math.floor(rng.nextFloat() * FILLER.length)]);
    const label = i % 2 === 0 ? 'whale' : 'congress';
    words.splice(Math.floor(rng.nextFloat() * 7), 0, label);
    return { text: words.join(' '), label };
  });
}

test('soft prompt tuning learns a keyword → label task well above chance, and the prompt trains', async () => {
  const labels = ['congress', 'whale'];
  const model = addClassificationHead(await load('tunebook/tiny-distilbert'), { id2label: labels, pooling: 'mean' });
  const summary = promptTuning(model, { virtualTokens: 4, init: 'vocab' });
  const prompt = model.params.get('distilbert.prompt_encoder.embedding.weight');
  assert.ok(
    prompt && model.trainableVariables().includes(prompt),
    'the prompt is a trainable variable of the head model',
  );
  const trainable = model.trainableVariables().reduce((n, v) => n + v.size, 0);
  assert.equal(
    trainable,
    summary.trainableParams + [...model.headParams().values()].reduce((n, v) => n + v.size, 0),
    'prompt + head only',
  );
  const promptBefore = Array.from(prompt.dataSync());
  const result = await train(model, keywordTask(24, 1), {
    labels,
    epochs: 6,
    batchSize: 8,
    learningRate: 1e-2,
    progress: false,
  });
  const scores = await evaluate(model, keywordTask(32, 2), { labels, batchSize: 32 });
  const losses = result.history.map((h) => h.loss);
  assert.ok(
    scores.eval_accuracy >= 0.8,
    `held-out accuracy ${scores.eval_accuracy} (chance 0.5); losses ${losses.map((l) => l.toFixed(2)).join(' ')}`,
  );
  assert.ok(losses.at(-1)! < 0.6, `final loss ${losses.at(-1)}`);
  assert.notDeepEqual(Array.from(prompt.dataSync()), promptBefore, 'the prompt embeddings changed');
  model.dispose();
});

test('a built-in [CLS] head (DistilBertForSequenceClassification) reads the first real token, not a virtual one', async () => {
  const model = await load(fixtureDir('distilbert'));
  promptTuning(model, { virtualTokens: 3, init: 'vocab' });
  const ids = [
    [2, 11, 12, 3],
    [2, 40, 3, 0],
  ];
  const attentionMask = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
  ];
  const hidden = model.hidden(ids, { attentionMask }).arraySync() as number[][][]; // real positions only
  const linear = (x: number[], w: string, b: string) => {
    const W = model.params.get(w)!.arraySync() as number[][];
    const B = model.params.get(b)!.dataSync();
    return W.map((row, o) => row.reduce((s, v, i) => s + v * x[i], B[o]));
  };
  const expected = hidden.map((seq) =>
    linear(
      linear(seq[0], 'pre_classifier.weight', 'pre_classifier.bias').map((v) => Math.max(0, v)),
      'classifier.weight',
      'classifier.bias',
    ),
  );
  const logits = model.logits(ids, { attentionMask });
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, tf.tensor2d(expected)))).dataSync()[0]);
  assert.ok(diff < 1e-4, `logits differ from the head on the first real token by ${diff}`);
  logits.dispose();
  model.dispose();
});
