// train() on tiny random GPT-2 / DistilBERT models: determinism for a seed (dropout on), no tensor leaks,
// accumulation equivalent to a bigger batch, the record kinds it accepts, and the errors it gives.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { IGNORE_INDEX } from '../../../../../kernel/engine/data/encode/causalLm';
import { train } from '../../../../../kernel/engine/train/trainer';
import { evaluate } from '../../../../../kernel/engine/train/evaluate';
import { prepareData } from '../../../../../kernel/engine/train/trainData';
import { TrainerError } from '../../../../../kernel/engine/train/trainerError';
import { addClassificationHead } from '../../../../../kernel/engine/heads/addHead';
import { freeze } from '../../../../../kernel/engine/tuners/freeze';
import { bertLike, gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { maxAbsDiff, snapshot, TINY_DISTILBERT, TINY_GPT2 } from './trainerFakes';

before(useTestBackend);

const lmData = Array.from({ length: 10 }, (_, i) => ({
  inputIds: Array.from({ length: 4 + (i % 3) }, (_, t) => (3 * i + 5 * t) % 24),
}));
const clsData = Array.from({ length: 8 }, (_, i) => ({ inputIds: [2, 4 + (i % 2), 7 + (i % 3), 3], label: i % 2 }));

async function runLm(seed: number, dropout = 0.1) {
  const model = create({ ...TINY_GPT2, resid_pdrop: dropout, embd_pdrop: dropout, attn_pdrop: dropout }, { seed: 7 });
  const result = await train(model, lmData, { maxSteps: 4, batchSize: 4, learningRate: 1e-2, seed, progress: false });
  const weights = await snapshot(model);
  model.dispose();
  return { result, weights };
}

test('same seed → identical losses and weights (with dropout); another seed → a different run', async () => {
  const a = await runLm(1);
  const b = await runLm(1);
  const c = await runLm(2);
  assert.deepEqual(
    a.result.history.map((h) => h.loss),
    b.result.history.map((h) => h.loss),
  );
  for (const [name, w] of a.weights)
    assert.deepEqual(w, b.weights.get(name), `${name} differs between equal-seed runs`);
  assert.notDeepEqual(
    a.result.history.map((h) => h.loss),
    c.result.history.map((h) => h.loss),
  );
  assert.equal(a.result.steps, 4);
  assert.ok(a.result.history.every((h) => Number.isFinite(h.loss) && h.gradNorm > 0));
});

test('training loss goes down on a repeated batch; examples and tokens per second are reported', async () => {
  const model = create(TINY_GPT2, { seed: 3 });
  const result = await train(model, lmData.slice(0, 4), {
    maxSteps: 12,
    batchSize: 4,
    learningRate: 3e-2,
    schedule: 'constant',
    seed: 0,
    progress: false,
  });
  assert.ok(
    result.history.at(-1)!.loss < result.history[0].loss - 0.5,
    `loss ${result.history[0].loss} → ${result.history.at(-1)!.loss}`,
  );
  assert.ok(result.examplesPerSecond > 0 && result.tokensPerSecond > result.examplesPerSecond);
  assert.equal(result.trainableParams, result.totalParams);
  assert.equal(
    result.totalParams,
    [...model.params.values()].reduce((n, v) => n + v.size, 0),
  );
  model.dispose();
});

test('no tensors leak across steps, accumulation and evaluation', async () => {
  const model = create(TINY_GPT2, { seed: 4 });
  const before = tf.memory().numTensors;
  await train(model, lmData, {
    maxSteps: 3,
    batchSize: 2,
    gradientAccumulationSteps: 2,
    evalData: lmData.slice(0, 3),
    evalSteps: 2,
    progress: false,
  });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('gradient accumulation of 2×2 equals one batch of 4 (no dropout, no shuffle)', async () => {
  const run = async (batchSize: number, gradientAccumulationSteps: number) => {
    const model = create({ ...TINY_GPT2, resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0 }, { seed: 5 });
    const r = await train(model, lmData.slice(0, 8), {
      epochs: 1,
      batchSize,
      gradientAccumulationSteps,
      learningRate: 1e-2,
      shuffle: false,
      progress: false,
    });
    const w = await snapshot(model);
    model.dispose();
    return { r, w };
  };
  const big = await run(4, 1);
  const small = await run(2, 2);
  assert.equal(big.r.steps, 2);
  assert.equal(small.r.steps, 2);
  big.r.history.forEach((h, i) => assert.ok(Math.abs(h.loss - small.r.history[i].loss) < 1e-5, `step ${i + 1} loss`));
  for (const [name, w] of big.w) assert.ok(maxAbsDiff(w, small.w.get(name)!) < 2e-5, `${name}`);
});

test('SFT records: loss only on the completion; plain {text} records: loss on every token', () => {
  const model = create(TINY_GPT2, { seed: 1 });
  model.tokenizer = gpt2Like();
  const sft = prepareData(model, [{ prompt: 'q why', completion: 'because yes' }], { what: 'data' });
  assert.equal(sft.task, 'causal-lm');
  const ex = sft.task === 'causal-lm' ? sft.examples[0] : undefined;
  assert.deepEqual(ex!.labels.slice(0, 2), [IGNORE_INDEX, IGNORE_INDEX]);
  assert.deepEqual(ex!.labels.slice(2), ex!.inputIds.slice(2));
  const plain = prepareData(model, [{ text: 'the cat sat' }], { what: 'data' });
  assert.ok(
    plain.task === 'causal-lm' && plain.examples[0].labels.every((l, i) => l === plain.examples[0].inputIds[i]),
  );
  assert.equal(plain.task === 'causal-lm' && plain.examples[0].inputIds.at(-1), model.tokenizer.eosTokenId);
  model.dispose();
});

test('SFT training on {prompt, completion} runs and lowers the completion loss', async () => {
  const model = create(TINY_GPT2, { seed: 2 });
  model.tokenizer = gpt2Like();
  const data = [
    { prompt: 'q is the cat good', completion: 'yes' },
    { prompt: 'q is the dog bad', completion: 'no' },
  ];
  const before = await evaluate(model, data);
  const result = await train(model, data, {
    epochs: 15,
    batchSize: 2,
    learningRate: 3e-2,
    schedule: 'constant',
    progress: false,
  });
  const after = await evaluate(model, data);
  assert.equal(result.task, 'causal-lm');
  assert.ok(after.eval_loss < before.eval_loss - 0.5, `eval loss ${before.eval_loss} → ${after.eval_loss}`);
  assert.ok(Math.abs(after.eval_perplexity - Math.exp(after.eval_loss)) < 1e-9);
  model.dispose();
});

test('classification from {text, label} with string labels: sorted label ids, accuracy and F1 each epoch', async () => {
  const model = create(TINY_DISTILBERT, { seed: 3 });
  model.tokenizer = bertLike();
  const data = ['the cat is good', 'the dog is bad', 'a cat sat', 'a dog ran', 'good cat', 'bad dog'].map(
    (text, i) => ({ text, label: i % 2 ? 'neg' : 'pos' }),
  );
  const result = await train(model, data, {
    epochs: 2,
    batchSize: 3,
    learningRate: 1e-2,
    evalData: data,
    progress: false,
  });
  assert.deepEqual(result.labelNames, ['neg', 'pos']);
  assert.equal(result.evalHistory.length, 2);
  for (const e of result.evalHistory) {
    assert.ok(e.eval_accuracy >= 0 && e.eval_accuracy <= 1 && e.eval_f1 >= 0 && e.eval_f1 <= 1 && e.eval_loss > 0);
  }
  assert.deepEqual(result.finalEval, result.evalHistory[1]);
  assert.equal(result.bestMetric?.name, 'eval_loss');
  model.dispose();
});

test('the optimizer only updates trainable variables', async () => {
  const model = create(TINY_DISTILBERT, { seed: 4 });
  freeze(model, 'distilbert.**');
  const frozenBefore = await snapshot(model);
  const result = await train(model, clsData, {
    maxSteps: 2,
    batchSize: 4,
    learningRate: 1e-1,
    weightDecay: 0.1,
    progress: false,
  });
  const after = await snapshot(model);
  for (const [name, w] of frozenBefore) {
    if (name.startsWith('distilbert.')) assert.deepEqual(after.get(name), w, `${name} changed although frozen`);
    else assert.notDeepEqual(after.get(name), w, `${name} did not train`);
  }
  assert.ok(result.trainableParams < result.totalParams);
  model.dispose();
});

test('errors name the problem: wrong head for the task, nothing trainable, bad options, mixed records', async () => {
  const lm = create(TINY_GPT2, { seed: 1 });
  await assert.rejects(
    train(lm, clsData, { progress: false }),
    (e: Error) => e instanceof TrainerError && /addClassificationHead/.test(e.message),
  );
  const cls = addClassificationHead(lm, { numLabels: 2 });
  await assert.rejects(
    train(cls, lmData, { progress: false }),
    (e: Error) => e instanceof TrainerError && /LM head/.test(e.message),
  );
  await assert.rejects(train(cls, [{ inputIds: [1, 2], label: 5 }], { progress: false }), /label id 5.*2 labels/);
  freeze(cls, '**');
  await assert.rejects(train(cls, clsData, { progress: false }), /no trainable parameters/);
  await assert.rejects(train(lm, lmData, { batchSize: 0 }), /batchSize must be an integer >= 1/);
  await assert.rejects(train(lm, lmData, { evalStrategy: 'steps' }), /needs evalData/);
  await assert.rejects(
    train(lm, [...lmData, { text: 'x' }] as never, { progress: false }),
    /\[10\] is a \{text\} record/,
  );
  await assert.rejects(train(lm, [{ text: 'the cat' }], { progress: false }), /need a tokenizer/);
  await assert.rejects(train(lm, [{ inputIds: [1, 99] }], { progress: false }), /inputIds\[1\] = 99 is not a token id/);
  await assert.rejects(train(lm, [], { progress: false }), /is empty/);
  cls.dispose();
});
