/**
 * Sampling completions from a policy and measuring them: the reward model's mean score and the KL to a reference,
 * estimated on the sampled tokens as mean over samples of Σ_t (log π(y_t) − log π_ref(y_t)).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { Rng } from '../train/rng';
import { tokenLogprobs } from './logprobs';
import type { ReferencePolicy } from './reference';
import type { RewardModel } from './rewardModel';
import { RlhfError } from './rlhfError';
import { collateSequences, padIdOf, type Sequence, type SequenceBatch } from './sequences';

export interface SampleOptions {
  /** Completion tokens per sample (default 8). */
  maxNewTokens?: number;
  /** Sampling temperature (default 1: the policy's own distribution, which PPO's ratios assume). */
  temperature?: number;
  /** Prompt tokens kept (from the end), default 48. */
  maxPromptTokens?: number;
}

export interface Rollout {
  prompt: string;
  completion: string;
  sequence: Sequence;
}

export async function sampleCompletions(policy: Model, prompts: readonly string[], rng: Rng, options: SampleOptions = {}): Promise<Rollout[]> {
  const tokenizer = policy.tokenizer;
  if (!tokenizer) throw new RlhfError('sampling needs a policy with a tokenizer');
  const out: Rollout[] = [];
  for (const prompt of prompts) {
    const promptIds = tokenizer.encode(prompt).slice(-(options.maxPromptTokens ?? 48));
    if (promptIds.length === 0) throw new RlhfError(`the prompt ${JSON.stringify(prompt)} has no tokens`);
    const result = await policy.generate(promptIds, { maxNewTokens: options.maxNewTokens ?? 8, temperature: options.temperature ?? 1, seed: rng.nextSeed(), ignoreEos: true });
    out.push({ prompt, completion: tokenizer.decode(result.ids), sequence: { ids: [...promptIds, ...result.ids], promptLength: promptIds.length } });
  }
  return out;
}

/** Per-sequence Σ_t (log π − log π_ref) over completion tokens. */
export function sequenceKl(policy: Model, reference: ReferencePolicy, batch: SequenceBatch): number[] {
  const kl = tf.tidy(() => tf.sum(tf.sub(tokenLogprobs(policy, batch), reference.tokenLogprobs(batch)), 1));
  const values = Array.from(kl.dataSync());
  kl.dispose();
  return values;
}

export interface PolicyEvaluation {
  meanReward: number;
  /** Mean KL(π ‖ π_ref) per sequence in nats; NaN without a reference. */
  kl: number;
  samples: Array<{ prompt: string; completion: string; reward: number }>;
}

/** Samples one completion per prompt (seeded), scores it, and measures the KL to `reference` when given. */
export async function evaluatePolicy(policy: Model, reward: RewardModel, prompts: readonly string[], options: SampleOptions & { seed?: number; reference?: ReferencePolicy } = {}): Promise<PolicyEvaluation> {
  const rollouts = await sampleCompletions(policy, prompts, Rng.fromSeed(options.seed ?? 1234), options);
  const rewards = reward.scoreMany(rollouts.map((r) => ({ prompt: r.prompt, completion: r.completion })));
  let kl = NaN;
  if (options.reference) {
    const batch = collateSequences(rollouts.map((r) => r.sequence), padIdOf(policy.tokenizer, policy.config));
    const perSequence = sequenceKl(policy, options.reference, batch);
    kl = perSequence.reduce((s, v) => s + v, 0) / perSequence.length;
  }
  return {
    meanReward: rewards.reduce((s, v) => s + v, 0) / rewards.length,
    kl,
    samples: rollouts.map((r, i) => ({ prompt: r.prompt, completion: r.completion, reward: rewards[i] })),
  };
}
