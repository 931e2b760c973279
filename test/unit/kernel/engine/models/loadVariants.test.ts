// load(): head selection, new heads, legacy names, and clear errors for checkpoints that do not fit.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseSafetensors, serializeSafetensors, type TensorEntry } from '../../../../../kernel/engine/io/safetensors';
import { load } from '../../../../../kernel/engine/models/load';
import { CheckpointError } from '../../../../../kernel/engine/models/checkpointError';
import { ModelConfigError } from '../../../../../kernel/engine/models/modelConfigError';
import type { TransformerModel } from '../../../../../kernel/engine/models/transformerModel';
import { assertClose, expected, fixtureDir } from './golden';
import { useTestBackend } from './testBackend';

const scratch = mkdtempSync(join(tmpdir(), 'tunebook-models-load-'));
before(useTestBackend);
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a fixture with its config and weights edited. */
function variant(
  fixture: string,
  name: string,
  edit: {
    config?: (c: Record<string, any>) => Record<string, any>;
    weights?: (w: Map<string, TensorEntry>) => Map<string, TensorEntry>;
  },
): string {
  const dir = join(scratch, name);
  cpSync(fixtureDir(fixture), dir, { recursive: true });
  if (edit.config) {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(edit.config(config)));
  }
  if (edit.weights) {
    const { tensors } = parseSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const edited = edit.weights(tensors);
    writeFileSync(
      join(dir, 'model.safetensors'),
      serializeSafetensors([...edited.entries()].map(([n, t]) => ({ ...t, name: n }))),
    );
  }
  return dir;
}

function renamed(w: Map<string, TensorEntry>, rename: (name: string) => string | undefined): Map<string, TensorEntry> {
  const out = new Map<string, TensorEntry>();
  for (const [n, t] of w) {
    const to = rename(n);
    if (to !== undefined) out.set(to, t);
  }
  return out;
}

describe('naming variants', () => {
  test('legacy BERT LayerNorm.gamma / LayerNorm.beta load to the same logits', async () => {
    const dir = variant('bert', 'bert-gamma', {
      weights: (w) =>
        renamed(w, (n) =>
          n.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
        ),
    });
    const model = await load(dir);
    const exp = expected('bert');
    tf.tidy(() => assertClose(model.logits(exp.inputs.ids), exp.logits, 'gamma/beta bert'));
    assert.ok(model.loadReport!.renamed.some((r) => r.from === 'bert.embeddings.LayerNorm.gamma'));
    model.dispose();
  });

  test('a head-model checkpoint loads as the bare backbone (names without prefix)', async () => {
    const model = (await load(fixtureDir('bert'), { architecture: 'BertModel' })) as TransformerModel;
    assert.ok(model.params.has('encoder.layer.0.output.dense.weight'));
    assert.ok(model.loadReport!.ignored.includes('classifier.weight'));
    const exp = expected('bert');
    tf.tidy(() => assertClose(model.hidden(exp.inputs.ids), exp.hidden, 'bare from head checkpoint'));
    model.dispose();
  });
});

describe('heads', () => {
  test('a base checkpoint gets a freshly initialised classifier, reported', async () => {
    const model = await load(fixtureDir('bert_model'), { architecture: 'BertForSequenceClassification', numLabels: 4 });
    assert.deepEqual(model.loadReport!.initialized, ['classifier.weight', 'classifier.bias']);
    assert.deepEqual(model.params.get('classifier.weight')!.shape, [4, 32]);
    tf.tidy(() => assert.deepEqual(model.logits([[1, 2, 3]]).shape, [1, 4]));
    assert.equal(Object.keys(model.config.id2label).length, 4);
    model.dispose();
  });

  test('numLabels different from the checkpoint re-initialises the classifier', async () => {
    const model = await load(fixtureDir('distilbert'), { id2label: { 0: 'neg', 1: 'neu', 2: 'pos' } });
    assert.deepEqual(model.params.get('classifier.weight')!.shape, [3, 32]);
    assert.deepEqual(model.loadReport!.initialized, ['classifier.weight', 'classifier.bias']);
    assert.deepEqual(model.config.label2id, { neg: 0, neu: 1, pos: 2 });
    model.dispose();
  });

  test('config listing only unsupported heads (BertForMaskedLM) loads the bare backbone', async () => {
    const dir = variant('bert_model', 'bert-mlm', { config: (c) => ({ ...c, architectures: ['BertForMaskedLM'] }) });
    const model = await load(dir);
    assert.equal(model.architecture, 'BertModel');
    model.dispose();
  });
});

describe('errors', () => {
  test('a missing backbone tensor names the tensor and frees what was allocated', async () => {
    const dir = variant('gpt2', 'gpt2-missing', {
      weights: (w) => renamed(w, (n) => (n === 'transformer.h.1.ln_2.bias' ? undefined : n)),
    });
    const before = tf.memory().numTensors;
    await assert.rejects(
      load(dir),
      (e: Error) => e instanceof CheckpointError && /lacks 1 tensor.*transformer\.h\.1\.ln_2\.bias/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, before);
  });

  test('a shape mismatch names checkpoint and config shapes', async () => {
    const dir = variant('gpt2', 'gpt2-shape', { config: (c) => ({ ...c, n_inner: 64 }) });
    await assert.rejects(
      load(dir),
      (e: Error) =>
        e instanceof CheckpointError &&
        /mlp\.c_fc\.weight: checkpoint \[32, 128\], config needs \[32, 64\]/.test(e.message),
    );
  });

  test('unknown model_type and an unknown head are config errors', async () => {
    const dir = variant('gpt2', 'gpt2-llama', { config: (c) => ({ ...c, model_type: 'llama' }) });
    await assert.rejects(
      load(dir),
      (e: Error) => e instanceof ModelConfigError && /model_type "llama"/.test(e.message),
    );
    await assert.rejects(load(fixtureDir('gpt2'), { architecture: 'BertModel' }), /not available for gpt2/);
  });
});
