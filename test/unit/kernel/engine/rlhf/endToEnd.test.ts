// End to end on the embedded tiny-gpt2 with synthetic, rule-based preferences (examples/data/rlhf-rankings.jsonl:
// prefer the completion that contains the word "the"): reward model → DPO and PPO on LoRA policies, measured on
// fresh samples for held-out prompts. Seeded. Runs on wasm unless TUNEBOOK_BACKEND names another backend
// (the plain-JS cpu backend is ~60× slower for training steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useTestBackend } from '../models/testBackend';
import { load } from '../../../../../kernel/engine/models/load';
import { lora } from '../../../../../kernel/engine/tuners/lora';
import {
  dpo,
  evaluatePolicy,
  ppo,
  preferences,
  referencePolicy,
  rewardModel,
  type RewardModel,
} from '../../../../../kernel/engine/rlhf';

const ROOT = join(__dirname, '../../../../..');
const MODEL_DIR = join(ROOT, 'kernel/assets/models/tiny-gpt2');
const prompts: { train: string[]; heldOut: string[] } = require(join(ROOT, 'examples/data/rlhf-prompts.json'));
const EVAL_PROMPTS = [...prompts.heldOut, ...prompts.heldOut]; // two samples per held-out prompt
const EVAL = { seed: 99, maxNewTokens: 8 };

// Stated bounds. Reward is the reward model's score (logit units); KL is nats per 8-token completion.
const MIN_RM_ACCURACY = 0.9;
const MIN_DPO_GAIN = 1.0;
const MIN_PPO_GAIN = 1.0;
const MAX_KL = 10;

let rm: RewardModel;

test.before(async () => {
  process.env.TUNEBOOK_BACKEND ||= 'wasm';
  await useTestBackend();
});

test('reward model reaches ≥ 0.9 pairwise accuracy on held-out pairs', async () => {
  const prefs = await preferences(join(ROOT, 'examples/data/rlhf-rankings.jsonl'));
  rm = await rewardModel(await load(MODEL_DIR), prefs.pairs, {
    pooling: 'mean',
    lr: 1e-3,
    epochs: 3,
    heldOut: 0.25,
    seed: 1,
    progress: false,
  });
  assert.ok(rm.report.heldOutPairs >= 20, `${rm.report.heldOutPairs} held-out pairs`);
  assert.ok(rm.report.heldOutAccuracy >= MIN_RM_ACCURACY, `held-out accuracy ${rm.report.heldOutAccuracy}`);
  assert.ok(rm.score('The ship', ' sailed over the sea') > rm.score('The ship', ' sailed over a sea'));
});

async function loraPolicy() {
  const policy = await load(MODEL_DIR);
  lora(policy, { r: 8, seed: 2, targets: ['c_attn', 'c_fc'] });
  return policy;
}

test('DPO raises the mean reward of fresh samples on held-out prompts, within the KL bound', async () => {
  const policy = await loraPolicy();
  const reference = referencePolicy(policy);
  const before = await evaluatePolicy(policy, rm, EVAL_PROMPTS, { ...EVAL, reference });
  const prefs = await preferences(join(ROOT, 'examples/data/rlhf-rankings.jsonl'));
  const tensors = tf.memory().numTensors;
  const result = await dpo(policy, prefs.pairs, { beta: 0.1, lr: 3e-3, epochs: 2, seed: 3, progress: false });
  assert.equal(result.referenceMode, 'adapters-disabled');
  assert.equal(tf.memory().numTensors, tensors, 'DPO leaves no tensors behind');
  assert.ok(result.train.accuracy > 0.8, `implicit-reward accuracy ${result.train.accuracy}`);
  assert.ok(result.train.margin > 0, `implicit-reward margin ${result.train.margin}`);
  const after = await evaluatePolicy(policy, rm, EVAL_PROMPTS, { ...EVAL, reference });
  assert.ok(Math.abs(before.kl) < 1e-4, `KL before training ${before.kl}`);
  assert.ok(
    after.meanReward - before.meanReward >= MIN_DPO_GAIN,
    `DPO reward ${before.meanReward} → ${after.meanReward}`,
  );
  assert.ok(after.kl < MAX_KL, `KL after DPO ${after.kl}`);
  policy.dispose();
});

test('PPO raises the mean reward of fresh samples on held-out prompts, within the KL bound', async () => {
  const policy = await loraPolicy();
  const reference = referencePolicy(policy);
  const before = await evaluatePolicy(policy, rm, EVAL_PROMPTS, { ...EVAL, reference });
  const tensors = tf.memory().numTensors;
  const result = await ppo(policy, rm, prompts.train, {
    iterations: 10,
    batchSize: 8,
    miniBatchSize: 4,
    ppoEpochs: 4,
    lr: 5e-3,
    kl: 0.2,
    seed: 4,
    progress: false,
  });
  assert.equal(result.log.length, 10);
  assert.equal(tf.memory().numTensors, tensors, 'PPO leaves no tensors behind');
  for (const e of result.log)
    for (const v of [e.meanReward, e.kl, e.entropy, e.clipFraction, e.valueLoss]) assert.ok(Number.isFinite(v));
  const after = await evaluatePolicy(policy, rm, EVAL_PROMPTS, { ...EVAL, reference });
  assert.ok(
    after.meanReward - before.meanReward >= MIN_PPO_GAIN,
    `PPO reward ${before.meanReward} → ${after.meanReward}`,
  );
  assert.ok(after.kl < MAX_KL, `KL after PPO ${after.kl}`);
  policy.dispose();
  rm.dispose();
});
