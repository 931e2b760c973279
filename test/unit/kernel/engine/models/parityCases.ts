// Test support: parity with the independent PyTorch reference implementations (scripts/make_golden.py) —
// logits and hidden states of tiny random checkpoints within 1e-4 max abs difference, with and without padding,
// and greedy generation token-identical. Registered per backend by parity.test.ts and parity.wasm.test.ts.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import type { TransformerModel } from '../../../../../kernel/engine/models/transformerModel';
import { assertClose, expected, fixtureDir, goldenTensor, maskedPositions } from './golden';
import { initBackend, type BackendChoice } from '../../../../../kernel/engine/backends/ladder';

async function withModel(
  name: string,
  run: (model: TransformerModel, exp: Record<string, any>) => void | Promise<void>,
) {
  const model = (await load(fixtureDir(name))) as TransformerModel;
  try {
    await run(model, expected(name));
  } finally {
    model.dispose();
  }
}

function checkLogits(model: TransformerModel, exp: Record<string, any>, what: string) {
  const { ids, attentionMask } = exp.inputs;
  tf.tidy(() => {
    assertClose(model.logits(ids), exp.logits, `${what} logits`);
    assertClose(model.hidden(ids), exp.hidden, `${what} hidden`);
  });
  tf.tidy(() => {
    const logits = model.logits(ids, { attentionMask });
    // All positions: a left-padded GPT-2 query that sees no real key attends uniformly (HF eager with its
    // combined 4-D mask; HF's sdpa path differs there). The fixture says which positions it covers.
    const include = exp.maskedComparison === 'all positions' ? undefined : maskedPositions(attentionMask, logits.shape);
    assertClose(logits, exp.logitsMasked, `${what} masked logits`, include);
  });
}

export function parityTests(backend: BackendChoice): void {
  before(async () => {
    process.env.TUNEBOOK_BACKEND = backend;
    const report = await initBackend(backend);
    assert.equal(report.name, backend);
  });

  describe(`GPT-2 parity (${backend})`, () => {
    test('GPT2LMHeadModel (transformer. prefix, tied head): logits, hidden, padded logits', () =>
      withModel('gpt2', (model, exp) => {
        assert.equal(model.architecture, 'GPT2LMHeadModel');
        assert.equal(model.params.has('lm_head.weight'), false, 'a tied head has no parameter of its own');
        checkLogits(model, exp, 'gpt2');
      }));

    test('checkpoint without the transformer. prefix and with attn.bias buffers loads to the same outputs', () =>
      withModel('gpt2_noprefix', (model, exp) => {
        assert.ok(model.params.has('transformer.h.0.attn.c_attn.weight'), 'canonical names keep the prefix');
        assert.ok(model.loadReport!.renamed.some((r) => r.from === 'h.0.attn.c_attn.weight'));
        assert.ok(model.loadReport!.ignored.includes('h.0.attn.bias'));
        assert.ok(model.loadReport!.ignored.includes('h.1.attn.masked_bias'));
        checkLogits(model, exp, 'gpt2_noprefix');
      }));

    test('untied lm_head, erf gelu and layer_norm_epsilon 0.1 from the config', () =>
      withModel('gpt2_untied', (model, exp) => {
        assert.ok(model.params.has('lm_head.weight'));
        checkLogits(model, exp, 'gpt2_untied');
      }));

    test('position ids default to 0..T-1 even with left padding (HF forward semantics)', () =>
      withModel('gpt2', (model, exp) => {
        const { ids, attentionMask } = exp.inputs;
        const T = ids[0].length;
        const arange = ids.map(() => Array.from({ length: T }, (_, i) => i));
        tf.tidy(() => {
          const implicit = model.logits(ids, { attentionMask });
          const explicit = model.logits(ids, { attentionMask, positionIds: arange });
          assert.equal(tf.max(tf.abs(tf.sub(implicit, explicit))).dataSync()[0], 0);
          const shifted = model.logits(ids, {
            attentionMask,
            positionIds: arange.map((r: number[]) => r.map((p) => Math.max(0, p - 3))),
          });
          assert.ok(tf.max(tf.abs(tf.sub(implicit, shifted))).dataSync()[0] > 1e-3, 'position ids must matter');
        });
      }));
  });

  describe(`BERT parity (${backend})`, () => {
    test('BertForSequenceClassification: logits, hidden, padding mask, token types', () =>
      withModel('bert', (model, exp) => {
        assert.equal(model.architecture, 'BertForSequenceClassification');
        checkLogits(model, exp, 'bert');
        const { ids, attentionMask, tokenTypeIds } = exp.inputs;
        tf.tidy(() => {
          assertClose(model.hidden(ids, { attentionMask }), exp.hiddenMasked, 'bert masked hidden');
          assertClose(
            model.logits(ids, { attentionMask, tokenTypeIds }),
            exp.logitsMaskedTokenTypes,
            'bert token types',
          );
        });
      }));

    test('bare BertModel saved without the bert. prefix: hidden states and pooler', () =>
      withModel('bert_model', (model, exp) => {
        assert.equal(model.architecture, 'BertModel');
        assert.ok(model.params.has('encoder.layer.0.attention.self.query.weight'));
        const { ids, attentionMask } = exp.inputs;
        tf.tidy(() => {
          assertClose(model.hidden(ids), exp.hidden, 'bert_model hidden');
          assertClose(model.logits(ids), exp.hidden, 'bare backbone logits() are the hidden states');
          assertClose(model.hidden(ids, { attentionMask }), exp.hiddenMasked, 'bert_model masked hidden');
          assertClose(model.pooled(ids), exp.pooled, 'bert_model pooled');
        });
      }));
  });

  describe(`DistilBERT parity (${backend})`, () => {
    test('DistilBertForSequenceClassification: logits and hidden, with and without padding', () =>
      withModel('distilbert', (model, exp) => {
        checkLogits(model, exp, 'distilbert');
        tf.tidy(() =>
          assertClose(
            model.hidden(exp.inputs.ids, { attentionMask: exp.inputs.attentionMask }),
            exp.hiddenMasked,
            'distilbert masked hidden',
          ),
        );
      }));
  });

  describe(`ViT parity (${backend})`, () => {
    test('ViTForImageClassification on NHWC pixels: logits and hidden', () =>
      withModel('vit', (model, exp) => {
        assert.ok(model.preprocessorConfig, 'preprocessor_config.json is kept');
        tf.tidy(() => {
          const pixels = goldenTensor(exp.inputs.pixelsNHWC);
          assertClose(model.logits(pixels), exp.logits, 'vit logits');
          assertClose(model.hidden(pixels), exp.hidden, 'vit hidden');
        });
      }));

    test('bare ViTModel: hidden states and pooler', () =>
      withModel('vit_model', (model, exp) => {
        tf.tidy(() => {
          const pixels = goldenTensor(exp.inputs.pixelsNHWC);
          assertClose(model.hidden(pixels), exp.hidden, 'vit_model hidden');
          assertClose(model.pooled(pixels), exp.pooled, 'vit_model pooled');
        });
      }));
  });

  describe(`greedy generation (${backend})`, () => {
    for (const name of ['gpt2', 'gpt2_untied']) {
      test(`${name}: token-identical to the reference`, () =>
        withModel(name, async (model, exp) => {
          const g = exp.generate;
          const out = await model.generate(g.prompt, { maxNewTokens: g.maxNewTokens });
          assert.deepEqual(out.ids, g.ids);
        }));
    }
  });
}
