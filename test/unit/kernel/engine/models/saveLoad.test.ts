// save → load round trips: every parameter bit-identical, outputs identical, HF layout on disk.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { load } from '../../../../../kernel/engine/models/load';
import { parseSafetensors } from '../../../../../kernel/engine/io/safetensors';
import type { Model } from '../../../../../kernel/engine/models/model';
import { expected, fixtureDir, goldenTensor } from './golden';
import { useTestBackend } from './testBackend';

const scratch = mkdtempSync(join(tmpdir(), 'tunebook-models-save-'));
before(useTestBackend);
after(() => rmSync(scratch, { recursive: true, force: true }));

function assertSameParams(a: Model, b: Model) {
  assert.deepEqual([...a.params.keys()].sort(), [...b.params.keys()].sort());
  for (const [name, v] of a.params) {
    const w = b.params.get(name)!;
    assert.deepEqual(w.shape, v.shape, name);
    assert.deepEqual(w.dataSync(), v.dataSync(), `${name} differs after the round trip`);
  }
}

function assertSameOutputs(a: Model, b: Model, input: number[][] | tf.Tensor) {
  tf.tidy(() => {
    const x = a.logits(input).dataSync();
    const y = b.logits(input).dataSync();
    assert.deepEqual(y, x);
  });
}

describe('save → load', () => {
  for (const name of ['gpt2', 'gpt2_noprefix', 'gpt2_untied', 'bert', 'bert_model', 'distilbert', 'vit', 'vit_model']) {
    test(`${name}: identical parameters and outputs`, async () => {
      const exp = expected(name);
      const original = await load(fixtureDir(name));
      const dir = join(scratch, name);
      await original.save(dir);
      const again = await load(dir);
      try {
        assert.equal(again.architecture, original.architecture);
        assertSameParams(original, again);
        const input = exp.inputs.ids ?? goldenTensor(exp.inputs.pixelsNHWC);
        assertSameOutputs(original, again, input);
        if (input instanceof tf.Tensor) input.dispose();
        assert.deepEqual(again.loadReport!.ignored, [], 'a saved model has nothing extra');
        assert.deepEqual(again.loadReport!.renamed, [], 'a saved model uses canonical names');
      } finally {
        original.dispose();
        again.dispose();
      }
    });
  }

  test('the saved folder is HF layout: canonical names, tied head omitted, Conv1D [in, out], tokenizer kept', async () => {
    const model = await load(fixtureDir('gpt2_noprefix'));
    const dir = join(scratch, 'layout');
    await model.save(dir);
    const { tensors } = parseSafetensors(readFileSync(join(dir, 'model.safetensors')));
    assert.ok(!tensors.has('lm_head.weight'));
    assert.deepEqual(tensors.get('transformer.h.0.attn.c_attn.weight')!.shape, [32, 96]);
    assert.equal(tensors.get('transformer.h.0.attn.c_attn.weight')!.dtype, 'F32');
    assert.equal(tensors.size, model.params.size);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(config.architectures, ['GPT2LMHeadModel']);
    assert.equal(config.model_type, 'gpt2');
    model.dispose();

    const withTok = await load(fixtureDir('gpt2'));
    await withTok.save(join(scratch, 'tok'));
    assert.ok(existsSync(join(scratch, 'tok', 'tokenizer.json')));
    assert.ok(existsSync(join(scratch, 'tok', 'tokenizer_config.json')));
    const reloaded = await load(join(scratch, 'tok'));
    assert.deepEqual(reloaded.tokenizer!.encode('the cat'), withTok.tokenizer!.encode('the cat'));
    withTok.dispose();
    reloaded.dispose();
  });

  test('BERT and ViT linears and the patch conv keep PyTorch layouts on disk', async () => {
    const bert = await load(fixtureDir('bert'));
    await bert.save(join(scratch, 'bert-layout'));
    const b = parseSafetensors(readFileSync(join(scratch, 'bert-layout', 'model.safetensors'))).tensors;
    assert.deepEqual(b.get('bert.encoder.layer.0.intermediate.dense.weight')!.shape, [64, 32]); // [out, in]
    assert.deepEqual(b.get('classifier.weight')!.shape, [3, 32]);
    bert.dispose();
    const vit = await load(fixtureDir('vit'));
    await vit.save(join(scratch, 'vit-layout'));
    const v = parseSafetensors(readFileSync(join(scratch, 'vit-layout', 'model.safetensors'))).tensors;
    assert.deepEqual(v.get('vit.embeddings.patch_embeddings.projection.weight')!.shape, [32, 3, 4, 4]); // NCHW
    assert.ok(existsSync(join(scratch, 'vit-layout', 'preprocessor_config.json')));
    vit.dispose();
  });

  test('a created model round-trips', async () => {
    const model = create(
      {
        model_type: 'distilbert',
        vocab_size: 50,
        dim: 16,
        n_layers: 1,
        n_heads: 2,
        hidden_dim: 32,
        max_position_embeddings: 20,
      },
      { seed: 1 },
    );
    await model.save(join(scratch, 'created'));
    const again = await load(join(scratch, 'created'));
    assertSameParams(model, again);
    assertSameOutputs(model, again, [[1, 2, 3, 4]]);
    model.dispose();
    again.dispose();
  });
});
