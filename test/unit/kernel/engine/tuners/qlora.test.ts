// QLoRA: NF4 and int8 round-trip error bounds, packing, memory of the stored buffers, forward close to the float
// model, float weights disposed, and LoRA training on top of the quantised model.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { train } from '../../../../../kernel/engine/train/trainer';
import { dequantizeInt8, quantizeInt8 } from '../../../../../kernel/engine/tuners/qlora/int8';
import {
  dequantizeNf4,
  NF4_CODES,
  NF4_MAX_HALF_GAP,
  nearestNf4,
  quantizeNf4,
} from '../../../../../kernel/engine/tuners/qlora/nf4';
import { QuantizedWeight } from '../../../../../kernel/engine/tuners/qlora/quantizedWeight';
import { qlora, quantizationReport } from '../../../../../kernel/engine/tuners/qlora/qlora';
import { merge } from '../../../../../kernel/engine/tuners/lora/inject';
import { fixtureDir } from '../models/golden';
import { useTestBackend } from '../models/testBackend';

before(useTestBackend);

/** Deterministic heavy-ish tailed test values (Box–Muller from a small LCG), with a few outliers. */
function sample(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * (i % 97 === 0 ? 6 : 0.7);
  return out;
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** ‖a − b‖ / ‖b‖ (Frobenius). */
function relError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0] / tf.norm(b).dataSync()[0]);
}

function blockAbsmax(x: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

test('NF4 table: 16 sorted codes from -1 to 1 with an exact 0; half the largest gap is 0.1519', () => {
  assert.equal(NF4_CODES.length, 16);
  for (let i = 1; i < 16; i++) assert.ok(NF4_CODES[i] > NF4_CODES[i - 1]);
  assert.deepEqual([NF4_CODES[0], NF4_CODES[7], NF4_CODES[15]], [-1, 0, 1]);
  assert.ok(Math.abs(NF4_MAX_HALF_GAP - (1 - 0.6961928009986877) / 2) < 1e-7);
  // nearest code by brute force on a grid
  for (let v = -1; v <= 1; v += 0.0137) {
    const brute = [...NF4_CODES].reduce(
      (best, c, i) => (Math.abs(v - c) < Math.abs(v - NF4_CODES[best]) ? i : best),
      0,
    );
    assert.equal(Math.abs(v - NF4_CODES[nearestNf4(v)]), Math.abs(v - NF4_CODES[brute]), `v=${v}`);
  }
});

test('NF4 round trip: every element within absmax × max half-gap of its block; two codes per byte', () => {
  for (const [n, blockSize] of [
    [4096, 64],
    [1001, 64],
    [333, 32],
  ] as const) {
    const x = sample(n, n);
    const q = quantizeNf4(x, blockSize);
    assert.equal(q.packed.length, Math.ceil(n / 2));
    assert.equal(q.absmax.length, Math.ceil(n / blockSize));
    const y = dequantizeNf4(q, q.absmax);
    for (let b = 0; b * blockSize < n; b++) {
      const [start, end] = [b * blockSize, Math.min(n, (b + 1) * blockSize)];
      const absmax = blockAbsmax(x, start, end);
      assert.equal(q.absmax[b], absmax);
      const bound = absmax * NF4_MAX_HALF_GAP * (1 + 1e-6);
      for (let i = start; i < end; i++)
        assert.ok(Math.abs(x[i] - y[i]) <= bound, `element ${i}: |${x[i]} - ${y[i]}| > ${bound}`);
      // the block maximum is represented exactly (code ±1)
      const iMax = Array.from({ length: end - start }, (_, k) => start + k).find((i) => Math.abs(x[i]) === absmax)!;
      assert.equal(y[iMax], x[iMax]);
    }
  }
});

test('int8 round trip: error ≤ absmax / 254 per block; double-quantised NF4 scales add at most their own int8 error', () => {
  const x = sample(2000, 5);
  const q = quantizeInt8(x, 64);
  const y = dequantizeInt8(q);
  for (let i = 0; i < x.length; i++)
    assert.ok(Math.abs(x[i] - y[i]) <= (q.absmax[Math.floor(i / 64)] / 254) * (1 + 1e-5) + 1e-7);

  const w = sample(64 * 600, 9); // 600 blocks → 3 blocks of 256 scales
  const single = QuantizedWeight.quantize(w, [600, 64], 4, 64, false);
  const double = QuantizedWeight.quantize(w, [600, 64], 4, 64, true);
  assert.ok(double.storedBytes < single.storedBytes);
  const nf4 = quantizeNf4(w, 64);
  const mean = nf4.absmax.reduce((s, a) => s + a, 0) / nf4.absmax.length;
  const scaleErr =
    Math.max(
      ...[0, 1, 2].map((b) =>
        blockAbsmax(
          nf4.absmax.map((a) => a - mean),
          b * 256,
          Math.min(600, (b + 1) * 256),
        ),
      ),
    ) / 254;
  const yd = double.dequantize();
  for (let i = 0; i < w.length; i++) {
    const absmax = nf4.absmax[Math.floor(i / 64)];
    assert.ok(Math.abs(w[i] - yd[i]) <= absmax * NF4_MAX_HALF_GAP + scaleErr * 1.0001 + 1e-6, `element ${i}`);
  }
});

test('qlora: ≥ 6× less frozen-weight memory, float variables disposed, forward close to float, merge refused', async () => {
  const reference = await load(fixtureDir('gpt2'));
  const model = await load(fixtureDir('gpt2'));
  const ids = [
    [5, 17, 200, 33, 90, 4],
    [100, 101, 7, 8, 250, 266],
  ];
  const want = reference.logits(ids);
  const floatWeight = model.params.get('transformer.h.0.attn.c_attn.weight')!;
  const tensorsBefore = tf.memory().numTensors;
  const result = qlora(model, { r: 4, alpha: 8, bits: 4, blockSize: 64, quantizeAll: true, seed: 1 });
  assert.ok(floatWeight.isDisposed);
  assert.equal(model.params.has('transformer.h.0.attn.c_attn.weight'), false);
  const report = quantizationReport(model);
  assert.equal(report.layers.length, 8); // c_attn, attn.c_proj, c_fc, mlp.c_proj × 2 blocks
  assert.equal(report.float32Bytes, 4 * 2 * (32 * 96 + 32 * 32 + 32 * 128 + 128 * 32));
  assert.ok(report.ratio >= 6, `ratio ${report.ratio}`);
  assert.equal(result.quantization.storedBytes, report.storedBytes);
  // memory: the float32 weights left (tensors net of the added A/B variables)
  assert.equal(tf.memory().numTensors, tensorsBefore - 8 + 2 * result.adapted.length);
  const got = model.logits(ids);
  // exactly the float model with its weights replaced by their dequantised values (the forward rebuilds them)
  const dequantised = await load(fixtureDir('gpt2'));
  for (const layer of report.layers) {
    const q = QuantizedWeight.quantize(
      dequantised.params.get(`${layer.path}.weight`)!.dataSync() as Float32Array,
      layer.shape,
      4,
      64,
      false,
    );
    tf.tidy(() => dequantised.params.get(`${layer.path}.weight`)!.assign(tf.tensor(q.dequantize(), layer.shape)));
  }
  const viaDequantised = dequantised.logits(ids);
  assert.ok(maxDiff(got, viaDequantised) <= 1e-5);
  // and close to the float model: NF4 moves each weight by ≤ 15 % of its block maximum (relative RMS 0.094 here);
  // on this deliberately chaotic random fixture the logits move by 0.22 in relative Frobenius norm → bound 0.3
  const err = relError(got, want);
  assert.ok(err > 0 && err <= 0.3, `relative logit error ${err}`);
  const tensorsNow = tf.memory().numTensors;
  tf.dispose(model.logits(ids));
  assert.equal(tf.memory().numTensors, tensorsNow, 'the dequantised weights do not outlive the forward');
  assert.throws(() => merge(model), /quantised/);
  await assert.rejects(model.save('/nonexistent'), /saveAdapter/);

  const int8 = await load(fixtureDir('gpt2'));
  const r8 = qlora(int8, { bits: 8, seed: 2 }).quantization;
  assert.equal(r8.layers.length, 2); // default GPT-2 target: c_attn
  assert.ok(r8.ratio > 3.5 && r8.ratio < 4);
  const got8 = int8.logits(ids);
  // int8 on c_attn only: measured 0.007 relative → bound 0.02
  const err8 = relError(got8, want);
  assert.ok(err8 <= 0.02 && err8 < err, `int8 relative logit error ${err8}`);
  tf.dispose([want, got, got8, viaDequantised]);
  [reference, model, int8, dequantised].forEach((m) => m.dispose());
});

test('LoRA on a 4-bit model trains: loss goes down, only adapters change', async () => {
  // the golden fixture (weights of std 0.25): a freshly created tiny GPT-2's logits are too flat for a few steps to move
  const model = await load(fixtureDir('gpt2'));
  qlora(model, { r: 4, alpha: 16, targets: ['c_attn', 'c_fc'], quantizeAll: true, doubleQuant: true, seed: 22 });
  const data = Array.from({ length: 8 }, () => ({ inputIds: [11, 42, 7, 99, 150, 3, 64, 200] }));
  const before = new Map([...model.params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
  const result = await train(model, data, {
    maxSteps: 12,
    batchSize: 4,
    learningRate: 3e-2,
    progress: false,
    loggingSteps: 1,
  });
  const losses = result.history.map((h) => h.loss);
  assert.ok(losses.at(-1)! < 0.8 * losses[0], `loss ${losses[0]} → ${losses.at(-1)}`);
  for (const [name, v] of model.params) {
    const changed = v.dataSync().some((x, i) => x !== before.get(name)![i]);
    assert.equal(changed, /lora_[AB]/.test(name), name);
  }
  model.dispose();
});
