// No tensor leaks: tf.memory().numTensors is unchanged by 100 forward passes and 10 generations.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { expected, fixtureDir, goldenTensor } from './golden';
import { useTestBackend } from './testBackend';

before(useTestBackend);

for (const name of ['gpt2', 'bert', 'distilbert', 'vit']) {
  test(`${name}: 100 forward passes leave no tensors behind`, async () => {
    const model = await load(fixtureDir(name));
    const exp = expected(name);
    const pixels = exp.inputs.pixelsNHWC ? goldenTensor(exp.inputs.pixelsNHWC) : undefined;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const opts = exp.inputs.attentionMask && i % 2 === 1 ? { attentionMask: exp.inputs.attentionMask } : {};
      const out = pixels ? model.logits(pixels) : model.logits(exp.inputs.ids, opts);
      out.dispose();
      if (i % 25 === 0) model.hidden(pixels ?? exp.inputs.ids).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    pixels?.dispose();
    model.dispose();
  });
}

test('gpt2: 10 generations (greedy, sampled, stopped, failing) leave no tensors behind', async () => {
  const model = await load(fixtureDir('gpt2'));
  const prompt = expected('gpt2').generate.prompt;
  const before = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) {
    await model.generate(prompt, {
      maxNewTokens: 8,
      temperature: i % 2 ? 1 : 0,
      seed: i,
      stop: i === 4 ? [prompt[0]] : undefined,
    });
  }
  await assert.rejects(model.generate(prompt, { topK: -1 }));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('disposing a model frees all its variables', async () => {
  const before = tf.memory().numTensors;
  const model = await load(fixtureDir('gpt2_untied'));
  assert.equal(tf.memory().numTensors, before + model.params.size);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => model.logits([[1]]), /disposed/);
});
