/**
 * Soft prompt tuning vs LoRA on the spam example (examples/data/spam-small.jsonl, 180 train / 60 test emails,
 * tiny-distilbert, 64 tokens, batch 16), over seeds; prints each run and the mean ± std test accuracy.
 *   TUNEBOOK_BACKEND=wasm nice -n 10 node --import tsx scripts/compare_soft_prompt_lora.ts [seeds, default 1,2,3]
 * LoRA: r=8 on q_lin/v_lin + the fresh classifier, 3 epochs, lr 1e-2 (as examples/methods-peft.ftnb).
 * Soft prompt: 16 virtual tokens (vocab init) + a mean-pooled classification head, 10 epochs, lr 1e-2, warmup 10%.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addClassificationHead, evaluate, load, lora, promptTuning, train } from '../kernel/engine/index';

type Email = { text: string; label: string };
const rows: Array<Email & { split: string }> = readFileSync(
  join(__dirname, '..', 'examples', 'data', 'spam-small.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const trainSet: Email[] = rows.filter((e) => e.split === 'train').map(({ text, label }) => ({ text, label }));
const testSet: Email[] = rows.filter((e) => e.split === 'test').map(({ text, label }) => ({ text, label }));
const labels = ['ham', 'spam'];
const maxLength = 64;

async function loraRun(seed: number): Promise<number> {
  const model = await load('tunebook/tiny-distilbert', {
    architecture: 'DistilBertForSequenceClassification',
    id2label: { 0: 'ham', 1: 'spam' },
    seed,
  });
  lora(model, { r: 8, alpha: 16, seed });
  await train(model, trainSet, {
    labels,
    maxLength,
    epochs: 3,
    batchSize: 16,
    learningRate: 1e-2,
    seed,
    progress: false,
  });
  const accuracy = (await evaluate(model, testSet, { labels, maxLength, batchSize: 32 })).eval_accuracy;
  model.dispose();
  return accuracy;
}

async function promptRun(seed: number): Promise<number> {
  const model = addClassificationHead(await load('tunebook/tiny-distilbert'), {
    id2label: labels,
    pooling: 'mean',
    seed,
  });
  promptTuning(model, { virtualTokens: 16, init: 'vocab', seed });
  await train(model, trainSet, {
    labels,
    maxLength,
    epochs: 10,
    batchSize: 16,
    learningRate: 1e-2,
    warmupRatio: 0.1,
    seed,
    progress: false,
  });
  const accuracy = (await evaluate(model, testSet, { labels, maxLength, batchSize: 32 })).eval_accuracy;
  model.dispose();
  return accuracy;
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
};

async function main(): Promise<void> {
  const seeds = (process.argv[2] ?? '1,2,3').split(',').map(Number);
  const result: Record<string, number[]> = { lora: [], softPrompt: [] };
  for (const seed of seeds) {
    for (const [name, run] of [
      ['lora', loraRun],
      ['softPrompt', promptRun],
    ] as const) {
      const t0 = performance.now();
      const accuracy = await run(seed);
      result[name].push(accuracy);
      console.log(
        `seed ${seed} ${name}: accuracy ${accuracy.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  }
  console.log(`LoRA r=8:            ${stats(result.lora)} over seeds ${seeds.join(', ')}`);
  console.log(`soft prompt (16):    ${stats(result.softPrompt)}`);
  console.log(JSON.stringify(result));
}

void main();
