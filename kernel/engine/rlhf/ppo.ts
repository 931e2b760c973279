/**
 * `ppo(policy, rewardModel, prompts, options)`: PPO for language models (Ziegler et al. 2019, as TRL). Each
 * iteration samples completions from the policy, scores them with the reward model, subtracts a KL penalty against
 * the frozen starting policy per token, estimates advantages with GAE from a value head, and runs several epochs of
 * minibatch updates of the clipped surrogate plus the clipped value loss. Logs mean reward, KL, entropy, clip
 * fraction and value loss per iteration and draws them live in the cell.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { startTrainingLoop } from '../train/loop';
import { Rng } from '../train/rng';
import { gae, whiten } from './advantages';
import { KlController, type KlControl } from './klController';
import { forwardLm, nextTokenLogprobs } from './logprobs';
import { clippedSurrogate, clippedValueLoss, maskedEntropy } from './losses';
import { chunks } from './pairs';
import { referencePolicy } from './reference';
import type { RewardModel } from './rewardModel';
import { RlhfError } from './rlhfError';
import { sampleCompletions, type SampleOptions } from './rollouts';
import { collateSequences, padIdOf, type SequenceBatch } from './sequences';
import { ValueHead } from './valueHead';

export interface PpoOptions extends SampleOptions {
  iterations?: number;
  /** Rollouts (prompts) per iteration, sampled together in one batch (default 8). */
  batchSize?: number;
  /** Same as batchSize (the name TRL's users know); batchSize wins when both are given. */
  promptsPerStep?: number;
  miniBatchSize?: number;
  /** Optimisation epochs over each batch of rollouts (default 4). */
  ppoEpochs?: number;
  lr?: number;
  /** Surrogate clip ε (default 0.2). */
  clip?: number;
  /** Value clip (default 0.2). */
  valueClip?: number;
  valueCoef?: number;
  gamma?: number;
  lambda?: number;
  /** A number for a fixed coefficient, or { kind: 'adaptive', coef, target, horizon }. Default fixed 0.1. */
  kl?: number | KlControl;
  /** Whiten the reward-model scores over each batch (default true). */
  whitenRewards?: boolean;
  seed?: number;
  progress?: boolean;
  /** Called after each iteration with its log entry. */
  onIteration?: (entry: PpoLogEntry) => void;
  /** Stops training (as the kernel's interrupt does) between updates; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface PpoLogEntry {
  iteration: number;
  /** Mean reward-model score of the iteration's rollouts (before whitening). */
  meanReward: number;
  /** Mean per-sequence KL(π ‖ π_ref) estimated on the rollouts, nats. */
  kl: number;
  klCoef: number;
  entropy: number;
  clipFraction: number;
  policyLoss: number;
  valueLoss: number;
  seconds: number;
}

export interface PpoResult {
  log: PpoLogEntry[];
  referenceMode: 'adapters-disabled' | 'frozen-copy';
  seconds: number;
}

interface Rollouts {
  batch: SequenceBatch;
  oldLogp: number[][];
  oldValues: number[][];
  advantages: number[][];
  returns: number[][];
}

export async function ppo(
  policy: Model,
  reward: RewardModel,
  prompts: readonly string[],
  options: PpoOptions = {},
): Promise<PpoResult> {
  if (!Array.isArray(prompts) || prompts.length === 0 || prompts.some((p) => typeof p !== 'string'))
    throw new RlhfError('ppo needs a non-empty list of prompt strings');
  if (!policy.tokenizer) throw new RlhfError('ppo needs a policy with a tokenizer');
  const o = {
    iterations: options.iterations ?? 10,
    batchSize: options.batchSize ?? options.promptsPerStep ?? 8,
    miniBatchSize: options.miniBatchSize ?? options.batchSize ?? options.promptsPerStep ?? 8,
    ppoEpochs: options.ppoEpochs ?? 4,
    clip: options.clip ?? 0.2,
    valueClip: options.valueClip ?? 0.2,
    valueCoef: options.valueCoef ?? 0.1,
    gamma: options.gamma ?? 1,
    lambda: options.lambda ?? 0.95,
    whitenRewards: options.whitenRewards ?? true,
  };
  const klControl = new KlController(
    typeof options.kl === 'number' || options.kl === undefined
      ? { kind: 'fixed', coef: options.kl ?? 0.1 }
      : options.kl,
  );
  const rng = Rng.fromSeed(options.seed ?? 0);
  const padId = padIdOf(policy.tokenizer, policy.config);
  const hiddenSize = policy.config.n_embd ?? policy.config.hidden_size;
  const valueHead = new ValueHead(hiddenSize);
  const reference = referencePolicy(policy);
  const loop = startTrainingLoop({
    model: policy,
    variables: [...policy.trainableVariables(), ...valueHead.variables()],
    optimizer: { lr: options.lr ?? 1e-3, weightDecay: 0 },
    progress: options.progress === false ? undefined : { totalSteps: o.iterations, title: 'PPO' },
    signal: options.signal,
    what: 'ppo',
  });
  const progress = loop.progress;
  const log: PpoLogEntry[] = [];
  const started = performance.now();
  let order: number[] = [];
  try {
    for (let iteration = 1; iteration <= o.iterations; iteration++) {
      const t0 = performance.now();
      const batchPrompts: string[] = [];
      while (batchPrompts.length < o.batchSize) {
        if (order.length === 0) order = rng.permutation(prompts.length);
        batchPrompts.push(prompts[order.pop()!]);
      }
      const rollouts = await sampleCompletions(policy, batchPrompts, rng, {
        samplingBatchSize: o.batchSize,
        ...options,
      });
      loop.throwIfStopped(); // generation ends early on an interrupt; its truncated rollouts are not trained on
      const scores = await reward.scoreManyAsync(rollouts.map((r) => ({ prompt: r.prompt, completion: r.completion })));
      const batch = collateSequences(
        rollouts.map((r) => r.sequence),
        padId,
      );
      const data = await prepare(policy, valueHead, reference.tokenLogprobs(batch), batch, scores, klControl.value, o);

      let policyLoss = 0,
        valueLoss = 0,
        clipFraction = 0,
        entropy = 0,
        updates = 0;
      for (let epoch = 0; epoch < o.ppoEpochs; epoch++) {
        for (const rows of chunks(rng.permutation(o.batchSize), o.miniBatchSize)) {
          await loop.yieldAndCheck();
          const { report: stats } = await loop.stepAsync(() => {
            const mb = pick(data, rows);
            const { logits, hidden } = forwardLm(policy, mb.batch);
            const [B, T, V] = logits.shape;
            const mask = tf.tensor2d(mb.batch.actionMask, undefined, 'float32');
            const logp = nextTokenLogprobs(logits, mb.batch.ids);
            const values = valueHead.forward(tf.slice(hidden, [0, 0, 0], [B, T - 1, -1]) as tf.Tensor3D);
            const pg = clippedSurrogate(logp, tf.tensor2d(mb.oldLogp), tf.tensor2d(mb.advantages), mask, o.clip);
            const vf = clippedValueLoss(values, tf.tensor2d(mb.oldValues), tf.tensor2d(mb.returns), mask, o.valueClip);
            const ent = maskedEntropy(tf.slice(logits, [0, 0, 0], [B, T - 1, V]), mask);
            return {
              loss: tf.add(pg.loss, tf.mul(o.valueCoef, vf)) as tf.Scalar,
              report: tf.stack([pg.loss, vf, pg.clipFraction, ent]),
            };
          });
          if (!stats) throw new RlhfError('ppo: the training step returned no statistics');
          policyLoss += stats[0];
          valueLoss += stats[1];
          clipFraction += stats[2];
          entropy += stats[3];
          updates++;
        }
      }
      const kl = data.kl.reduce((s, v) => s + v, 0) / data.kl.length;
      const entry: PpoLogEntry = {
        iteration,
        meanReward: scores.reduce((s, v) => s + v, 0) / scores.length,
        kl,
        klCoef: klControl.value,
        entropy: entropy / updates,
        clipFraction: clipFraction / updates,
        policyLoss: policyLoss / updates,
        valueLoss: valueLoss / updates,
        seconds: (performance.now() - t0) / 1000,
      };
      klControl.update(kl, o.batchSize);
      log.push(entry);
      options.onIteration?.(entry);
      progress?.update({ step: iteration, loss: entry.policyLoss });
      progress?.logEval(iteration, {
        reward: entry.meanReward,
        kl: entry.kl,
        entropy: entry.entropy,
        clipFraction: entry.clipFraction,
        valueLoss: entry.valueLoss,
      });
      await loop.yieldAndCheck();
    }
    await loop.finish('done');
  } catch (error) {
    await loop.finishAfterError();
    throw error;
  } finally {
    reference.dispose();
    valueHead.dispose();
  }
  return { log, referenceMode: reference.mode, seconds: (performance.now() - started) / 1000 };
}

/** Old log-probs and values, per-token KL-penalised rewards, GAE advantages (whitened over the batch) and returns. */
async function prepare(
  policy: Model,
  valueHead: ValueHead,
  refLogpTensor: tf.Tensor2D,
  batch: SequenceBatch,
  scores: number[],
  klCoef: number,
  o: { gamma: number; lambda: number; whitenRewards: boolean },
): Promise<Rollouts & { kl: number[] }> {
  const [oldLogpT, oldValuesT] = tf.tidy(() => {
    const { logits, hidden } = forwardLm(policy, batch);
    const [B, T] = logits.shape;
    const mask = tf.tensor2d(batch.actionMask, undefined, 'float32');
    return [
      tf.mul(nextTokenLogprobs(logits, batch.ids), mask),
      tf.mul(valueHead.forward(tf.slice(hidden, [0, 0, 0], [B, T - 1, -1]) as tf.Tensor3D), mask),
    ];
  });
  const together = tf.stack([oldLogpT, oldValuesT, refLogpTensor]);
  tf.dispose([oldLogpT, oldValuesT, refLogpTensor]);
  const [oldLogp, oldValues, refLogp] = (await together.array()) as number[][][];
  together.dispose();
  const finalScores = o.whitenRewards && scores.length > 1 ? whiten(scores) : scores;
  const advantages = oldLogp.map((row) => row.map(() => 0));
  const returns = oldLogp.map((row) => row.map(() => 0));
  const kl: number[] = [];
  const flat: number[] = [];
  batch.actionMask.forEach((maskRow, b) => {
    const positions = maskRow.flatMap((m, t) => (m ? [t] : []));
    const klTokens = positions.map((t) => oldLogp[b][t] - refLogp[b][t]);
    kl.push(klTokens.reduce((s, v) => s + v, 0));
    const rewards = klTokens.map((k) => -klCoef * k);
    rewards[rewards.length - 1] += finalScores[b];
    const g = gae(
      rewards,
      positions.map((t) => oldValues[b][t]),
      o.gamma,
      o.lambda,
    );
    positions.forEach((t, i) => {
      advantages[b][t] = g.advantages[i];
      returns[b][t] = g.returns[i];
    });
    flat.push(...g.advantages);
  });
  const white = whiten(flat);
  let k = 0;
  batch.actionMask.forEach((maskRow, b) =>
    maskRow.forEach((m, t) => {
      if (m) advantages[b][t] = white[k++];
    }),
  );
  return { batch, oldLogp, oldValues, advantages, returns, kl };
}

function pick(data: Rollouts, rows: number[]): Rollouts {
  const take = <T>(xs: T[]) => rows.map((r) => xs[r]);
  const ids = take(data.batch.ids);
  return {
    batch: {
      ids,
      attentionMask: take(data.batch.attentionMask),
      actionMask: take(data.batch.actionMask),
      completionLengths: take(data.batch.completionLengths),
    },
    oldLogp: take(data.oldLogp),
    oldValues: take(data.oldValues),
    advantages: take(data.advantages),
    returns: take(data.returns),
  };
}
