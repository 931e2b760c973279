import { afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { estimateMemory } from '../../../../../kernel/engine/train/memory';
import { MemoryEstimateError } from '../../../../../kernel/engine/train/memoryEstimateError';
import {
  assertTrainingFits,
  formatBytes,
  memoryLimit,
  parseByteSize,
  WASM_HEAP_CEILING,
} from '../../../../../kernel/engine/train/memoryLimit';
import { train } from '../../../../../kernel/engine/train/trainer';
import { gpt2Config } from '../../../../../bench/shapes';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from './trainerFakes';

before(useTestBackend);
afterEach(() => {
  delete process.env.TUNEBOOK_MEMORY_LIMIT;
});

const GPT2_SMALL = gpt2Config({
  layers: 12,
  hidden: 768,
  heads: 12,
  intermediate: 3072,
  vocab: 50257,
  positions: 1024,
});

test('parseByteSize reads bytes and decimal / binary units', () => {
  assert.equal(parseByteSize('1234'), 1234);
  assert.equal(parseByteSize('512MB'), 512e6);
  assert.equal(parseByteSize('1.5 GiB'), 1.5 * 2 ** 30);
  assert.equal(parseByteSize('64kib'), 65536);
  assert.throws(() => parseByteSize('lots'), /TUNEBOOK_MEMORY_LIMIT="lots" is not a size/);
  assert.throws(() => parseByteSize('5 parsecs'), MemoryEstimateError);
});

test('memoryLimit: the env override, the wasm heap ceiling, otherwise available RAM', () => {
  assert.deepEqual(memoryLimit('native', { TUNEBOOK_MEMORY_LIMIT: '2GB' }), {
    bytes: 2e9,
    source: 'TUNEBOOK_MEMORY_LIMIT',
  });
  assert.equal(memoryLimit('wasm', {}).bytes, WASM_HEAP_CEILING);
  const native = memoryLimit('native', {});
  assert.ok(
    native.bytes > 0 && native.bytes <= require('node:os').totalmem() + tf.memory().numBytes,
    `native limit ${native.bytes}`,
  );
});

test('GPT-2 small full fine-tuning is refused under the wasm ceiling with the numbers and what fits', () => {
  const limit = { bytes: WASM_HEAP_CEILING, source: 'the wasm heap ceiling' };
  const full = estimateMemory(GPT2_SMALL, { batchSize: 2, sequenceLength: 128, method: 'full' });
  const lora = estimateMemory(GPT2_SMALL, { batchSize: 2, sequenceLength: 128, method: 'lora' });
  const batch1 = estimateMemory(GPT2_SMALL, { batchSize: 1, sequenceLength: 128, method: 'full' });
  assert.ok(full.bytes.total > WASM_HEAP_CEILING, `full needs ${formatBytes(full.bytes.total)}`);
  assert.throws(
    () => assertTrainingFits(GPT2_SMALL, { batchSize: 2, sequenceLength: 128, method: 'full' }, limit),
    (err: Error) => {
      assert.ok(err instanceof MemoryEstimateError);
      const m = err.message;
      assert.ok(m.includes(`needs about ${formatBytes(full.bytes.total)}`), m);
      assert.ok(m.includes(`weights ${formatBytes(full.bytes.weights)}`), m);
      assert.ok(m.includes(`gradients ${formatBytes(full.bytes.gradients)}`), m);
      assert.ok(m.includes(`AdamW state ${formatBytes(full.bytes.optimizerState)}`), m);
      assert.ok(m.includes(`activations ${formatBytes(full.bytes.activations)}`), m);
      assert.ok(m.includes(`can hold 4.00 GiB (the wasm heap ceiling)`), m);
      assert.ok(m.includes(`LoRA r=8 at the same batch (${formatBytes(lora.bytes.total)})`), m);
      if (batch1.bytes.total <= WASM_HEAP_CEILING)
        assert.ok(m.includes(`batch size 1 (${formatBytes(batch1.bytes.total)})`), m);
      return true;
    },
  );
  assert.equal(
    assertTrainingFits(GPT2_SMALL, { batchSize: 2, sequenceLength: 128, method: 'lora' }, limit).bytes.total,
    lora.bytes.total,
  );
});

test('train() refuses a run that cannot fit TUNEBOOK_MEMORY_LIMIT before the first step, model untouched', async () => {
  const model = create(TINY_GPT2, { seed: 3 });
  try {
    const before = Array.from(model.params.get('transformer.h.0.attn.c_attn.weight')!.dataSync());
    const data = Array.from({ length: 4 }, (_, i) => ({
      inputIds: Array.from({ length: 6 }, (_, t) => (5 * i + t) % 24),
    }));
    const needed = estimateMemory(model, { batchSize: 2, sequenceLength: 6 });
    process.env.TUNEBOOK_MEMORY_LIMIT = String(Math.floor(needed.bytes.total / 2));
    await assert.rejects(
      train(model, data, { batchSize: 2, epochs: 1, progress: false }),
      (err: Error) =>
        err instanceof MemoryEstimateError &&
        err.message.includes(`needs about ${formatBytes(needed.bytes.total)}`) &&
        err.message.includes('(TUNEBOOK_MEMORY_LIMIT)'),
    );
    assert.deepEqual(
      Array.from(model.params.get('transformer.h.0.attn.c_attn.weight')!.dataSync()),
      before,
      'no step was taken',
    );
    process.env.TUNEBOOK_MEMORY_LIMIT = String(needed.bytes.total * 4);
    const result = await train(model, data, { batchSize: 2, epochs: 1, progress: false });
    assert.equal(result.steps, 2, 'the same run goes ahead under a limit it fits');
  } finally {
    model.dispose();
  }
});
