/**
 * Fine-tuning methods benchmark: `npm run bench:methods`. Prints a table and writes bench/results/methods.json.
 * One task for every method: tiny-distilbert (DistilBertForSequenceClassification, fresh 2-label head) on the
 * spam subset (examples/data/spam-small.jsonl), sequences padded/cut to a fixed length, fixed batch size, AdamW.
 * Methods: full fine-tuning, last layer only (last transformer block + classifier), LoRA r=8 (q_lin, v_lin +
 * classifier), QLoRA 4-bit (NF4 backbone linears + the same adapters). Each method runs in its own fresh model:
 * a few warm-up steps, then the median wall time of the timed steps (forward + loss + backward + clip + update,
 * the trainer's step). Memory: the process peak RSS sampled during the steps, and tf.memory().numBytes (all live
 * tensors: weights, quantized weights, optimizer moments) after the last step.
 * Options: --steps N (timed steps, default 5), --warmup N (default 2), --batch N (default 16), --seq N (default 64).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../kernel/engine/backends/ladder';
import { load } from '../kernel/engine/models/load';
import type { Model } from '../kernel/engine/models/model';
import { batchLoss, makeBatch } from '../kernel/engine/train/batches';
import { clipByGlobalNorm } from '../kernel/engine/train/gradients';
import { AdamW } from '../kernel/engine/train/optim';
import { padTokenIdFor, prepareData } from '../kernel/engine/train/trainData';
import { freeze, parameterCounts, unfreeze } from '../kernel/engine/tuners/freeze';
import { lora } from '../kernel/engine/tuners/lora';
import { qlora } from '../kernel/engine/tuners/qlora';

const RESULTS = path.join(__dirname, 'results', 'methods.json');
const DATA = path.join(__dirname, '..', 'examples', 'data', 'spam-small.jsonl');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`--${name} must be a positive integer`);
  return value;
}
const STEPS = option('steps', 5);
const WARMUP = option('warmup', 2);
const BATCH = option('batch', 16);
const SEQ = option('seq', 64);

interface MethodSpec {
  method: string;
  prepare(model: Model): void;
  learningRate: number;
}

const METHODS: MethodSpec[] = [
  { method: 'full fine-tuning', prepare: () => {}, learningRate: 1e-3 },
  {
    method: 'last layer only',
    prepare: (m) => {
      freeze(m, '**');
      unfreeze(m, ['distilbert.transformer.layer.3', 'pre_classifier', 'classifier']);
    },
    learningRate: 3e-3,
  },
  { method: 'LoRA r=8', prepare: (m) => void lora(m, { r: 8, alpha: 16, seed: 7 }), learningRate: 1e-2 },
  {
    method: 'QLoRA 4-bit r=8',
    prepare: (m) => void qlora(m, { r: 8, alpha: 16, bits: 4, seed: 7 }),
    learningRate: 1e-2,
  },
];

interface MethodResult {
  method: string;
  msPerStepMedian: number;
  msPerStepMin: number;
  examplesPerSecond: number;
  trainableParams: number;
  totalParams: number;
  peakRssMiB: number;
  tfLiveMiB: number;
  tfLiveTensors: number;
  finalLoss: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Fixed-length batches: every text cut to SEQ tokens and padded to SEQ, so all methods see the same shapes. */
function fixedBatches(model: Model, texts: { text: string; label: string }[]) {
  const prepared = prepareData(model, texts, { maxLength: SEQ, labels: ['ham', 'spam'], what: 'bench data' });
  if (prepared.task !== 'classification') throw new Error('internal: expected classification data');
  const pad = padTokenIdFor(model);
  prepared.examples.forEach((e) => {
    while (e.inputIds.length < SEQ) e.inputIds.push(pad);
  });
  const batches = [];
  for (let i = 0; i + BATCH <= prepared.examples.length; i += BATCH) {
    batches.push(
      makeBatch(
        prepared,
        Array.from({ length: BATCH }, (_, j) => i + j),
        pad,
      ),
    );
  }
  return batches;
}

async function runMethod(spec: MethodSpec, texts: { text: string; label: string }[]): Promise<MethodResult> {
  const model = await load('tunebook/tiny-distilbert', {
    architecture: 'DistilBertForSequenceClassification',
    id2label: { 0: 'ham', 1: 'spam' },
  });
  spec.prepare(model);
  const counts = parameterCounts(model);
  const batches = fixedBatches(model, texts);
  const variables = model.trainableVariables();
  const optimizer = new AdamW({ lr: spec.learningRate, weightDecay: 0, noDecay: 'bias-and-norm' });
  let peakRss = process.memoryUsage().rss;
  const times: number[] = [];
  let loss = NaN;
  for (let step = 0; step < WARMUP + STEPS; step++) {
    const batch = batches[step % batches.length];
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(
      () => tf.div(batchLoss(model, batch, true).lossSum, batch.count) as tf.Scalar,
      variables,
    );
    loss = value.dataSync()[0];
    value.dispose();
    clipByGlobalNorm(grads, 1);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    const ms = performance.now() - t0;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (step >= WARMUP) times.push(ms);
  }
  const mem = tf.memory();
  const result: MethodResult = {
    method: spec.method,
    msPerStepMedian: +median(times).toFixed(1),
    msPerStepMin: +Math.min(...times).toFixed(1),
    examplesPerSecond: +((BATCH * 1000) / median(times)).toFixed(1),
    ...counts,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    tfLiveMiB: +(mem.numBytes / 2 ** 20).toFixed(2),
    tfLiveTensors: mem.numTensors,
    finalLoss: +loss.toFixed(4),
  };
  optimizer.dispose();
  model.dispose();
  return result;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const rows = fs
    .readFileSync(DATA, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: string; split: string });
  const texts = rows.filter((r) => r.split === 'train').map(({ text, label }) => ({ text, label }));
  const results: MethodResult[] = [];
  for (const spec of METHODS) {
    results.push(await runMethod(spec, texts));
    console.log(`${spec.method}: ${results.at(-1)!.msPerStepMedian} ms/step`);
  }
  console.table(results);
  const out = {
    benchmark: 'methods',
    date: new Date().toISOString(),
    task: 'tiny-distilbert DistilBertForSequenceClassification, spam vs ham (examples/data/spam-small.jsonl train split)',
    batchSize: BATCH,
    seqLength: SEQ,
    warmupSteps: WARMUP,
    timedSteps: STEPS,
    backend: backend,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverage1m: +os.loadavg()[0].toFixed(2),
      node: process.version,
    },
    notes:
      'Wall-clock medians on a shared machine; peak RSS is the whole process, so it only grows from row to row (methods run one after another in one process). tfLiveMiB is the live tensor bytes of the current method (previous models disposed).',
    results,
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${RESULTS}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
