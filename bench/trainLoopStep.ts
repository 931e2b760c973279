/**
 * The training loop's per-step cost on a CPU rung: the tiny GPT of bench/engine.ts (vocab 256, context 64, width
 * 128, 4 heads, 2 layers, batch 16, AdamW, clipping at norm 1) through `TrainingLoop`: one step per call, and a
 * 2-micro-batch accumulated step. Uses `stepAsync` when the loop has it (one asynchronous read per step), else the
 * older synchronous `step`, so the same script measures a tree before and after. Prints medians of wall and CPU ms.
 * `TUNEBOOK_BACKEND` (default wasm), `STEPS` (default 8).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../kernel/engine/backends/ladder';
import { create } from '../kernel/engine/models/create';
import { startTrainingLoop, type TrainingLoop } from '../kernel/engine/train/loop';

const TINY = { vocab: 256, context: 64, width: 128, heads: 4, layers: 2, batch: 16 };
const STEPS = Number(process.env.STEPS ?? 8);
const WARMUP = 2;

function ids(rows: number, seed: number): tf.Tensor2D {
  return tf.randomUniform([rows, TINY.context], 0, TINY.vocab, 'int32', seed) as tf.Tensor2D;
}

function lossOf(logits: tf.Tensor, targets: tf.Tensor2D): tf.Scalar {
  const flat = tf.reshape(logits, [-1, TINY.vocab]) as tf.Tensor2D;
  const picked = tf.sum(
    tf.mul(tf.logSoftmax(flat), tf.oneHot(tf.reshape(targets, [-1]) as tf.Tensor1D, TINY.vocab)),
    -1,
  );
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(name: string, step: () => Promise<number>) {
  for (let i = 0; i < WARMUP; i++) await step();
  const wall: number[] = [];
  const cpu: number[] = [];
  let loss = NaN;
  for (let i = 0; i < STEPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    loss = await step();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(
    `${name}: median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms cpu, last loss ${loss.toFixed(6)}`,
  );
}

async function main() {
  const backend = await initBackend((process.env.TUNEBOOK_BACKEND as never) || 'wasm');
  const model = create(
    {
      model_type: 'gpt2',
      vocab_size: TINY.vocab,
      n_positions: TINY.context,
      n_embd: TINY.width,
      n_head: TINY.heads,
      n_layer: TINY.layers,
      resid_pdrop: 0,
      embd_pdrop: 0,
      attn_pdrop: 0,
    },
    { seed: 0 },
  );
  const x = ids(TINY.batch, 1);
  const y = ids(TINY.batch, 2);
  const loop: TrainingLoop = startTrainingLoop({
    model,
    variables: model.trainableVariables(),
    optimizer: { lr: 1e-3, weightDecay: 0.01 },
    maxGradNorm: 1,
    what: 'bench',
  });
  const asyncStep = (loop as unknown as { stepAsync?: TrainingLoop['step'] }).stepAsync;
  console.log(
    `backend ${backend.name}; loop ${asyncStep ? 'stepAsync (asynchronous read)' : 'step (synchronous read)'}; ${STEPS} steps after ${WARMUP} warm-up`,
  );
  const loss = () => lossOf(model.logits(x, { training: true }), y);
  await measure('one step', async () => (asyncStep ? (await asyncStep.call(loop, loss)).loss : loop.step(loss).loss));
  const halves = [tf.slice(x, [0, 0], [8, -1]), tf.slice(x, [8, 0], [8, -1])];
  const targets = [tf.slice(y, [0, 0], [8, -1]), tf.slice(y, [8, 0], [8, -1])];
  await measure('2 micro-batches', async () => {
    const out = await loop.accumulatedStep(
      2,
      (i) => tf.div(lossOf(model.logits(halves[i], { training: true }), targets[i]), 2) as tf.Scalar,
    );
    return out === 'interrupted' ? NaN : out.loss;
  });
  await loop.finish('done');
}

void main();
