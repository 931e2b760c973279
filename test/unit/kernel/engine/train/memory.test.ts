import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../kernel/engine/backends/ladder';
import { estimateMemory, type TrainingMethod } from '../../../../../kernel/engine/train/memory';
import { shapeOf } from '../../../../../kernel/engine/train/memoryShape';
import { create } from '../../../../../kernel/engine/models/create';
import { buildForMethod, measureStep } from '../../../../../bench/measureStep';
import { bertConfig, distilbertConfig, gpt2Config, vitConfig } from '../../../../../bench/shapes';

// Shapes unlike bench/memoryCalibration.ts's (which vary one size at a time around 2 × 64, 4 heads, seq 32).
const SIZE = { layers: 3, hidden: 80, heads: 5, intermediate: 200, vocab: 384, positions: 40 };
const CONFIGS: Record<string, Record<string, unknown>> = {
  gpt2: gpt2Config(SIZE),
  distilbert: distilbertConfig(SIZE, 3),
  bert: bertConfig(SIZE, 3),
  vit: vitConfig({ ...SIZE, imageSize: 40, patchSize: 5 }, 4),
};
const BATCH = 3;
const SEQ = 40;
/** The estimate's activations stay within this factor of the measured ones (both directions). */
const FACTOR = 1.25;

before(async () => {
  await initBackend('cpu');
});

test('parameter counts by formula equal the built models', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    const model = create(config, { seed: 0 });
    try {
      let total = 0;
      for (const v of model.params.values()) total += v.size;
      assert.equal(shapeOf(config).totalParams, total, `${name} total parameters`);
      assert.equal(
        estimateMemory(model, { batchSize: 1, sequenceLength: 8 }).bytes.weights,
        4 * total,
        `${name} weights bytes`,
      );
    } finally {
      model.dispose();
    }
  }
});

for (const [name, config] of Object.entries(CONFIGS)) {
  for (const method of ['full', 'lora', 'frozen', 'qlora'] as TrainingMethod[]) {
    test(`${name} ${method}: estimated activations within ${FACTOR}× of one measured tfjs step`, () => {
      const model = buildForMethod(config, method);
      try {
        const estimate = estimateMemory(model, { batchSize: BATCH, sequenceLength: SEQ });
        assert.equal(estimate.method, method, 'method read from the built model');
        const byName = estimateMemory(config, { batchSize: BATCH, sequenceLength: SEQ, method });
        assert.equal(byName.trainableParams, estimate.trainableParams, 'trainable parameters by formula = built model');
        assert.equal(byName.quantizedParams, estimate.quantizedParams, 'quantised parameters by formula = built model');
        const T = shapeOf(model).fixedTokens ?? SEQ;
        const measured = measureStep(model, { batchSize: BATCH, sequenceLength: T });
        const activations = measured.stepPeakBytes - 4 * measured.trainableParams;
        const ratio = estimate.bytes.activations / activations;
        assert.ok(
          ratio <= FACTOR && ratio >= 1 / FACTOR,
          `activations: estimated ${estimate.bytes.activations} B, measured ${activations} B (ratio ${ratio.toFixed(3)})`,
        );
        assert.equal(estimate.bytes.gradients, 4 * measured.trainableParams);
        assert.equal(estimate.bytes.optimizerState, 8 * measured.trainableParams);
      } finally {
        model.dispose();
      }
      assert.equal(tf.memory().numTensors, 0, 'no tensors left');
    });
  }
}

test('GPT-2 small: activations grow with the batch; LoRA and QLoRA shrink what they should', () => {
  const gpt2 = gpt2Config({ layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 50257, positions: 1024 });
  const small = estimateMemory(gpt2, { batchSize: 2, sequenceLength: 128, method: 'full' });
  const twice = estimateMemory(gpt2, { batchSize: 4, sequenceLength: 128, method: 'full' });
  const growth = twice.bytes.activations / small.bytes.activations;
  assert.ok(
    growth > 1.7 && growth < 2,
    `doubling the batch nearly doubles activations (all but the [V, C] term), got ${growth}`,
  );
  assert.equal(small.totalParams, 124_439_808, 'GPT-2 small has 124,439,808 parameters');
  const lora = estimateMemory(gpt2, { batchSize: 2, sequenceLength: 128, method: 'lora' });
  assert.equal(lora.trainableParams, 12 * 8 * (768 + 3 * 768), 'LoRA r=8 on c_attn');
  // same activations (gradients reach every block either way); LoRA drops 12 bytes (grad + m + v) per frozen weight
  const saved = small.bytes.total - lora.bytes.total;
  const expected = 12 * (small.trainableParams - lora.trainableParams) - 4 * lora.trainableParams;
  assert.ok(Math.abs(saved - expected) / expected < 0.01, `LoRA saves ${saved} B, expected about ${expected} B`);
  const qlora = estimateMemory(gpt2, { batchSize: 2, sequenceLength: 128, method: 'qlora' });
  assert.ok(qlora.bytes.weights < lora.bytes.weights, 'NF4 base weights are smaller');
});

test('rejects a bad batch size or an unknown model type', () => {
  assert.throws(() => estimateMemory(CONFIGS.gpt2, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => estimateMemory({ model_type: 't5' }, { batchSize: 1 }), /model_type "t5"/);
});
