/**
 * One bench:scale configuration in this process (so peak RSS is its own): starts the TUNEBOOK_BACKEND rung,
 * builds the random model, checks the memory estimate against the rung's limit (refused runs are reported, not
 * attempted, unless --no-refuse), then times warm-up + measured AdamW steps (forward, loss, backward, update,
 * as train() does). Prints one JSON line. Run by bench/scale.ts: `tsx bench/scaleStep.ts '<json>'`.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, backendChoiceFromEnv } from '../kernel/engine/backends/ladder';
import { create } from '../kernel/engine/models/create';
import { causalLmLossSum, classificationLossSum } from '../kernel/engine/train/loss';
import { estimateMemory } from '../kernel/engine/train/memory';
import { assertTrainingFits, memoryLimit } from '../kernel/engine/train/memoryLimit';
import { AdamW } from '../kernel/engine/train/optim';
import { lora } from '../kernel/engine/tuners/lora/inject';
import type { ScaleConfig } from './scaleConfigs';

interface StepRequest {
  config: ScaleConfig;
  warmup: number;
  steps: number;
  refuse: boolean;
}

export function peakRssMb(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return Number.isFinite(kb) ? kb / 1024 : process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2]) as StepRequest;
  const { config } = req;
  const report = await initBackend(backendChoiceFromEnv());
  const base = { backend: report.name, device: report.device, threads: report.threads };
  const model = create(config.hf, { seed: 0 });
  if (config.lora) lora(model, { ...config.lora, seed: 0 });
  const vars = model.trainableVariables();
  const estimate = estimateMemory(model, { batchSize: config.batchSize, sequenceLength: config.sequenceLength });
  const limit = memoryLimit(report.name);
  const estimateMb = Math.round(estimate.bytes.total / 2 ** 20);
  if (req.refuse) {
    try {
      assertTrainingFits(model, { batchSize: config.batchSize, sequenceLength: config.sequenceLength }, limit);
    } catch (err) {
      console.log(
        JSON.stringify({
          ...base,
          status: 'refused',
          error: (err as Error).message.split('\n')[0],
          estimateMb,
          limitMb: Math.round(limit.bytes / 2 ** 20),
        }),
      );
      return;
    }
  }
  const B = config.batchSize;
  const T = config.sequenceLength;
  const vocab = Number(config.hf.vocab_size ?? 0);
  const ids = Array.from({ length: B }, (_, b) =>
    Array.from({ length: T }, (_, t) => (b * 7919 + t * 104729) % Math.max(1, vocab)),
  );
  const labels = ids.map((_, b) => b % 2);
  const image = Number(config.hf.image_size ?? 0);
  const pixels =
    config.family === 'vit' ? (tf.randomNormal([B, image, image, 3], 0, 1, 'float32', 1) as tf.Tensor4D) : undefined;
  const optimizer = new AdamW({ lr: 1e-5, weightDecay: 0.01, noDecay: 'bias-and-norm' });
  const count = config.family === 'gpt2' ? B * (T - 1) : B;
  const step = (): number => {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.logits(pixels ?? ids, { training: true });
      const sum = config.family === 'gpt2' ? causalLmLossSum(logits, ids) : classificationLossSum(logits, labels);
      return tf.div(sum, count) as tf.Scalar;
    }, vars);
    const loss = value.dataSync()[0];
    optimizer.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  };
  let loss = NaN;
  for (let i = 0; i < req.warmup; i++) loss = step();
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < req.steps; i++) {
    const t0 = performance.now();
    loss = step();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(
    JSON.stringify({
      ...base,
      status: 'ok',
      stepMsMedian: medianMs,
      stepMsAll: times.map((t) => Math.round(t)),
      cpuMsPerStep: (cpu.user + cpu.system) / 1000 / req.steps,
      loss,
      params: estimate.totalParams,
      trainableParams: vars.reduce((n, v) => n + v.size, 0),
      peakRssMb: peakRssMb(),
      estimateMb,
      limitMb: Math.round(limit.bytes / 2 ** 20),
      tensorsLeakedPerStep: (tf.memory().numTensors - tensorsBefore) / req.steps,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.log(JSON.stringify({ status: 'failed', error: String((err as Error)?.message ?? err).split('\n')[0] }));
    process.exit(0);
  },
);
