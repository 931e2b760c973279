// Generation with the KV cache: greedy ids equal the PyTorch reference's (full recomputation, no cache),
// cached decoding equals uncached logits, seeded sampling is reproducible, stop criteria and errors.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../../../../../kernel/engine/models/load';
import type { Model } from '../../../../../kernel/engine/models/model';
import { ModelInputError } from '../../../../../kernel/engine/models/modelInputError';
import { expected, fixtureDir } from './golden';
import { useTestBackend } from './testBackend';

let gpt2: Model;
let untied: Model;
before(async () => {
  await useTestBackend();
  gpt2 = await load(fixtureDir('gpt2'));
  untied = await load(fixtureDir('gpt2_untied'));
});

describe('greedy generation', () => {
  for (const [name, model] of [
    ['gpt2', () => gpt2],
    ['gpt2_untied', () => untied],
    ['gpt2_noprefix', undefined],
  ] as const) {
    test(`${name}: token-identical to the reference`, async () => {
      const m = model ? model() : await load(fixtureDir(name));
      const g = expected(name).generate;
      const out = await m.generate(g.prompt, { maxNewTokens: g.maxNewTokens, temperature: 0 });
      assert.deepEqual(out.ids, g.ids);
      assert.deepEqual(out.promptIds, g.prompt);
      assert.equal(out.finishReason, 'length');
      assert.ok(out.timing.totalMs >= out.timing.prefillMs && out.timing.tokensPerSecond > 0);
      if (!model) m.dispose();
    });
  }

  test('each cached step gives the logits of a full forward pass over the sequence so far', async () => {
    const g = expected('gpt2').generate;
    const out = await gpt2.generate(g.prompt, { maxNewTokens: 6 });
    const seq = [...g.prompt, ...out.ids];
    tf.tidy(() => {
      const full = gpt2.logits([seq]); // [1, T, V]
      // the token after position t is the argmax of row t
      const argmax = tf.argMax(full, -1).arraySync() as number[][];
      for (let i = 0; i < out.ids.length; i++) assert.equal(argmax[0][g.prompt.length - 1 + i], out.ids[i]);
    });
  });
});

describe('stopping', () => {
  const g = () => expected('gpt2').generate;

  test('a stop id ends generation and is kept', async () => {
    const stopAt = g().ids[3];
    const out = await gpt2.generate(g().prompt, { maxNewTokens: 12, stop: [stopAt] });
    const first = g().ids.indexOf(stopAt);
    assert.deepEqual(out.ids, g().ids.slice(0, first + 1));
    assert.equal(out.finishReason, 'stop');
  });

  test('eos_token_id from the config stops (unless ignoreEos)', async () => {
    // run the fixture with its eos changed to a token the reference emits
    const eosAt = g().ids[2];
    const dir = mkdtempSync(join(tmpdir(), 'tunebook-eos-'));
    cpSync(fixtureDir('gpt2'), dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, eos_token_id: eosAt }));
    const m = await load(dir);
    rmSync(dir, { recursive: true });
    const out = await m.generate(g().prompt, { maxNewTokens: 12 });
    assert.equal(out.finishReason, 'eos');
    assert.deepEqual(out.ids, g().ids.slice(0, g().ids.indexOf(eosAt) + 1));
    const ignored = await m.generate(g().prompt, { maxNewTokens: 12, ignoreEos: true });
    assert.deepEqual(ignored.ids, g().ids);
    m.dispose();
  });

  test('generation ends at the context length (n_positions)', async () => {
    const nPositions = gpt2.config.n_positions as number;
    const prompt = Array.from({ length: nPositions - 3 }, (_, i) => (i * 7) % 200);
    const out = await gpt2.generate(prompt, { maxNewTokens: 10 });
    assert.equal(out.ids.length, 3);
    assert.equal(out.finishReason, 'context');
  });

  test('an aborted signal stops before the next token', async () => {
    const controller = new AbortController();
    const out = await gpt2.generate(g().prompt, {
      maxNewTokens: 12,
      signal: controller.signal,
      onToken: (_id, index) => index === 1 && controller.abort(),
    });
    assert.equal(out.ids.length, 2);
    assert.equal(out.finishReason, 'aborted');
  });

  test('maxNewTokens 0 produces nothing', async () => {
    const out = await gpt2.generate(g().prompt, { maxNewTokens: 0 });
    assert.deepEqual(out.ids, []);
  });
});

describe('sampling', () => {
  const prompt = () => expected('gpt2').generate.prompt as number[];

  test('equal seeds give equal samples; different seeds differ', async () => {
    const a = await gpt2.generate(prompt(), { maxNewTokens: 12, temperature: 1.5, seed: 7 });
    const b = await gpt2.generate(prompt(), { maxNewTokens: 12, temperature: 1.5, seed: 7 });
    assert.deepEqual(a.ids, b.ids);
    const others = await Promise.all(
      [8, 9, 10].map((seed) => gpt2.generate(prompt(), { maxNewTokens: 12, temperature: 1.5, seed })),
    );
    assert.ok(
      others.some((o) => o.ids.join() !== a.ids.join()),
      'other seeds should give another sequence',
    );
  });

  test('topK 1 and a tiny topP reduce sampling to greedy', async () => {
    const greedy = expected('gpt2').generate.ids;
    const k1 = await gpt2.generate(prompt(), { maxNewTokens: 12, temperature: 2, topK: 1, seed: 3 });
    assert.deepEqual(k1.ids, greedy);
    const p0 = await gpt2.generate(prompt(), { maxNewTokens: 12, temperature: 2, topP: 1e-6, seed: 3 });
    assert.deepEqual(p0.ids, greedy);
  });

  test('topK restricts samples to the k most likely tokens', async () => {
    const out = await gpt2.generate(prompt(), { maxNewTokens: 1, temperature: 5, topK: 3, seed: 11 });
    const top3 = tf.tidy(() => {
      const logits = gpt2.logits([prompt()]);
      const last = tf.squeeze(tf.slice(logits, [0, prompt().length - 1, 0], [1, 1, -1]));
      return Array.from(tf.topk(last, 3).indices.dataSync());
    });
    for (let seed = 0; seed < 20; seed++) {
      const o = await gpt2.generate(prompt(), { maxNewTokens: 1, temperature: 5, topK: 3, seed });
      assert.ok(top3.includes(o.ids[0]), `seed ${seed}: ${o.ids[0]} not in top-3 ${top3}`);
    }
    assert.ok(top3.includes(out.ids[0]));
  });
});

describe('text prompts (tokenizer.json present)', () => {
  test('a string prompt is encoded, ids match an id prompt, text is decoded', async () => {
    assert.ok(gpt2.tokenizer, 'fixture has a tokenizer');
    const prompt = 'the cat sat on the mat';
    const ids = gpt2.tokenizer!.encode(prompt);
    const fromText = await gpt2.generate(prompt, { maxNewTokens: 5 });
    const fromIds = await gpt2.generate(ids, { maxNewTokens: 5 });
    assert.deepEqual(fromText.ids, fromIds.ids);
    assert.deepEqual(fromText.promptIds, ids);
    assert.equal(fromText.text, gpt2.tokenizer!.decode(fromText.ids, { skipSpecialTokens: true }));
  });

  test('a stop string ends generation and is cut from the text', async () => {
    const full = await gpt2.generate('the cat', { maxNewTokens: 8 });
    const text = full.text!;
    const stop = text.slice(2, 4);
    assert.ok(stop.length === 2, `generated text too short to test: ${JSON.stringify(text)}`);
    const out = await gpt2.generate('the cat', { maxNewTokens: 8, stop });
    assert.equal(out.finishReason, 'stop');
    assert.equal(out.text, text.slice(0, text.indexOf(stop)));
    assert.ok(out.ids.length <= full.ids.length);
  });

  test('text input to logits uses the tokenizer and pads several texts', () => {
    tf.tidy(() => {
      const one = gpt2.logits('hello there');
      const ids = gpt2.tokenizer!.encode('hello there');
      assert.deepEqual(one.shape, [1, ids.length, gpt2.config.vocab_size]);
      const two = gpt2.logits(['hello there', 'hi']);
      assert.deepEqual(two.shape, [2, ids.length, gpt2.config.vocab_size]);
      const row = tf.slice(two, [0, 0, 0], [1, -1, -1]);
      assert.ok(tf.max(tf.abs(tf.sub(row, one))).dataSync()[0] < 1e-5, 'the longest text is unpadded');
    });
  });
});

describe('generation errors', () => {
  test('text without a tokenizer, bad options, encoder models', async () => {
    const noTok = await load(fixtureDir('gpt2_untied'));
    await assert.rejects(
      noTok.generate('hello'),
      (e: Error) => e instanceof ModelInputError && /tokenizer/.test(e.message),
    );
    assert.throws(() => noTok.logits('hello'), /no tokenizer\.json/);
    await assert.rejects(noTok.generate([1], { stop: 'x' }), /stop strings need a tokenizer/);
    await assert.rejects(noTok.generate([1], { temperature: -1 }), /temperature/);
    await assert.rejects(noTok.generate([1], { topP: 0 }), /topP/);
    await assert.rejects(noTok.generate([1], { topK: 0.5 }), /topK/);
    await assert.rejects(noTok.generate([]), /empty/);
    await assert.rejects(noTok.generate([99999]), /not a token id/);
    await assert.rejects(noTok.generate(Array(49).fill(1)), /context holds 48/);
    noTok.dispose();
    const bert = await load(fixtureDir('bert'));
    await assert.rejects(bert.generate([1, 2]), /causal language model/);
    bert.dispose();
  });
});
