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
import { sampleBatch } from './sampleBatch';
import { collateSequences, padIdOf, type Sequence, type SequenceBatch } from './sequences';

export interface SampleOptions {
  /** Completion tokens per sample at most (default 8); a completion ends earlier at EOS. */
  maxNewTokens?: number;
  /** Run every completion to maxNewTokens even past EOS (the old fixed-length rollouts); default false. */
  ignoreEos?: boolean;
  /** Prompts decoded together in one batch (default 16). */
  samplingBatchSize?: number;
  /** Sampling temperature (default 1: the policy's own distribution, which PPO's ratios assume). */
  temperature?: number;
  /** Prompt tokens kept (from the end), default 48. */
  maxPromptTokens?: number;
}

export interface Rollout {
  prompt: string;
  /** Decoded completion (an ending EOS decodes to nothing). */
  completion: string;
  sequence: Sequence;
  finishReason: 'eos' | 'length' | 'context';
}

/** One completion per prompt, sampled in batches of `samplingBatchSize`; each row draws from its own seed off `rng`. */
export async function sampleCompletions(
  policy: Model,
  prompts: readonly string[],
  rng: Rng,
  options: SampleOptions = {},
): Promise<Rollout[]> {
  const tokenizer = policy.tokenizer;
  if (!tokenizer) throw new RlhfError('sampling needs a policy with a tokenizer');
  const chunk = options.samplingBatchSize ?? 16;
  if (!Number.isSafeInteger(chunk) || chunk < 1)
    throw new RlhfError(`samplingBatchSize must be a positive integer, got ${options.samplingBatchSize}`);
  const eos = options.ignoreEos ? [] : eosIdsOf(policy);
  const padId = padIdOf(tokenizer, policy.config);
  const maxPositions = policy.config.n_positions ?? policy.config.max_position_embeddings;
  const out: Rollout[] = [];
  for (let start = 0; start < prompts.length; start += chunk) {
    const group = prompts.slice(start, start + chunk);
    const promptIds = group.map((prompt) => {
      const ids = tokenizer.encode(prompt).slice(-(options.maxPromptTokens ?? 48));
      if (ids.length === 0) throw new RlhfError(`the prompt ${JSON.stringify(prompt)} has no tokens`);
      return ids;
    });
    const seeds = group.map(() => rng.nextSeed());
    const rows = await sampleBatch(policy, promptIds, {
      maxNewTokens: options.maxNewTokens ?? 8,
      temperature: options.temperature ?? 1,
      eosTokenIds: eos,
      padId,
      seeds,
      maxPositions,
    });
    rows.forEach((row, i) => {
      const text = row.finishReason === 'eos' ? row.ids.slice(0, -1) : row.ids;
      out.push({
        prompt: group[i],
        completion: tokenizer.decode(text),
        sequence: { ids: [...promptIds[i], ...row.ids], promptLength: promptIds[i].length },
        finishReason: row.finishReason,
      });
    });
    await new Promise((resolve) => setImmediate(resolve)); // let the kernel answer between batches
  }
  return out;
}

/** The policy's end-of-sequence ids: the config's eos_token_id (a number or a list), else the tokenizer's. */
export function eosIdsOf(policy: Model): number[] {
  const fromConfig = policy.config.eos_token_id;
  const ids = Array.isArray(fromConfig)
    ? fromConfig
    : fromConfig !== undefined && fromConfig !== null
      ? [fromConfig]
      : policy.tokenizer?.eosTokenId !== undefined
        ? [policy.tokenizer.eosTokenId]
        : [];
  return ids.filter((id): id is number => Number.isInteger(id));
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
export async function evaluatePolicy(
  policy: Model,
  reward: RewardModel,
  prompts: readonly string[],
  options: SampleOptions & { seed?: number; reference?: ReferencePolicy } = {},
): Promise<PolicyEvaluation> {
  const rollouts = await sampleCompletions(policy, prompts, Rng.fromSeed(options.seed ?? 1234), options);
  const rewards = reward.scoreMany(rollouts.map((r) => ({ prompt: r.prompt, completion: r.completion })));
  let kl = NaN;
  if (options.reference) {
    const batch = collateSequences(
      rollouts.map((r) => r.sequence),
      padIdOf(policy.tokenizer, policy.config),
    );
    const perSequence = sequenceKl(policy, options.reference, batch);
    kl = perSequence.reduce((s, v) => s + v, 0) / perSequence.length;
  }
  return {
    meanReward: rewards.reduce((s, v) => s + v, 0) / rewards.length,
    kl,
    samples: rollouts.map((r, i) => ({ prompt: r.prompt, completion: r.completion, reward: rewards[i] })),
  };
}
