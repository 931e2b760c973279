/**
 * `dpo(policy, pairs, options)`: Direct Preference Optimisation with the sigmoid loss. Reference log-probabilities
 * of every pair are computed once before training and cached; with LoRA adapters the reference is the base model
 * (adapters disabled), otherwise a frozen copy of the policy that is freed right after.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { runTrainingLoop, type TrainingLoop, type TrainingLoopOptions } from '../train/loop';
import { Rng } from '../train/rng';
import { yieldAndCheck } from '../train/stopping';
import { sequenceLogprobs } from './logprobs';
import { dpoLoss } from './losses';
import { checkPairs, chunks, splitPairs, type PreferencePair } from './pairs';
import { referencePolicy } from './reference';
import { RlhfError } from './rlhfError';
import { collateSequences, encodeSequence, padIdOf, type Sequence } from './sequences';

export interface DpoOptions {
  /** Strength of the implicit KL constraint (default 0.1). */
  beta?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** Fraction held out for implicit-reward accuracy (default 0), or explicit pairs. */
  heldOut?: number | readonly PreferencePair[];
  maxLength?: number;
  seed?: number;
  progress?: boolean;
  /** Called after each optimiser step with the batch's metrics (e.g. to relay progress to a panel). */
  onStep?: (entry: DpoLogEntry & { totalSteps: number }) => void;
  /** Stops training before the next step (as the kernel's interrupt does); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface DpoLogEntry {
  step: number;
  loss: number;
  /** Share of the batch where β·(log-ratio chosen − log-ratio rejected) > 0. */
  accuracy: number;
  /** Mean implicit reward margin. */
  margin: number;
  chosenReward: number;
  rejectedReward: number;
}

export interface DpoEval {
  loss: number;
  accuracy: number;
  margin: number;
}

export interface DpoResult {
  log: DpoLogEntry[];
  /** Implicit-reward metrics on held-out pairs (undefined when none are held out). */
  heldOut?: DpoEval;
  /** The same metrics on the training pairs after training. */
  train: DpoEval;
  referenceMode: 'adapters-disabled' | 'frozen-copy';
  seconds: number;
}

interface EncodedPair {
  chosen: Sequence;
  rejected: Sequence;
  refChosen: number;
  refRejected: number;
}

export async function dpo(
  policy: Model,
  pairs: readonly PreferencePair[],
  options: DpoOptions = {},
): Promise<DpoResult> {
  const all = checkPairs(pairs, 'dpo');
  const tokenizer = policy.tokenizer;
  if (!tokenizer) throw new RlhfError('dpo needs a policy with a tokenizer');
  const beta = options.beta ?? 0.1;
  if (!(beta > 0) || !Number.isFinite(beta)) throw new RlhfError(`dpo: beta must be a positive number, got ${beta}`);
  const seed = options.seed ?? 0;
  const maxLength = options.maxLength ?? 64;
  const batchSize = options.batchSize ?? 8;
  const epochs = options.epochs ?? 1;
  const padId = padIdOf(tokenizer, policy.config);
  const split = splitPairs(all, options.heldOut ?? 0, seed);
  const started = performance.now();

  const reference = referencePolicy(policy);
  const encodeAll = async (list: PreferencePair[]): Promise<EncodedPair[]> => {
    const encoded = list.map((p) => ({
      chosen: encodeSequence(tokenizer, p.prompt, p.chosen, maxLength),
      rejected: encodeSequence(tokenizer, p.prompt, p.rejected, maxLength),
      refChosen: 0,
      refRejected: 0,
    }));
    for (const part of chunks(encoded, batchSize)) {
      await yieldAndCheck(options.signal, 'dpo');
      const batch = collateSequences([...part.map((e) => e.chosen), ...part.map((e) => e.rejected)], padId);
      const logp = tf.tidy(() => tf.sum(reference.tokenLogprobs(batch), 1));
      let values: Float32Array;
      try {
        values = (await logp.data()) as Float32Array;
      } finally {
        logp.dispose();
      }
      part.forEach((e, i) => {
        e.refChosen = values[i];
        e.refRejected = values[part.length + i];
      });
    }
    return encoded;
  };
  let train: EncodedPair[];
  let heldOut: EncodedPair[];
  try {
    train = await encodeAll(split.train);
    heldOut = await encodeAll(split.heldOut);
  } finally {
    reference.dispose();
  }

  const rng = Rng.fromSeed(seed);
  const steps = epochs * Math.ceil(train.length / batchSize);
  const loopOptions: TrainingLoopOptions = {
    model: policy,
    variables: policy.trainableVariables(),
    optimizer: { lr: options.lr ?? 5e-4, weightDecay: options.weightDecay ?? 0, noDecay: 'bias-and-norm' },
    progress: options.progress === false ? undefined : { totalSteps: steps, title: `DPO (β = ${beta})` },
    signal: options.signal,
    what: 'dpo',
    memory: { batchSize: 2 * Math.max(1, Math.min(batchSize, train.length)) }, // chosen and rejected
  };
  return runTrainingLoop(loopOptions, async (loop) => {
    const log: DpoLogEntry[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(train.length).map((i) => train[i]);
      for (const part of chunks(order, batchSize)) {
        const { loss, report: stats } = await loop.stepAsync(() => {
          const parts = batchLoss(policy, part, beta, padId);
          const report = tf.stack([
            tf.mean(parts.chosenRewards),
            tf.mean(parts.rejectedRewards),
            tf.mean(tf.cast(tf.greater(parts.chosenRewards, parts.rejectedRewards), 'float32')),
          ]);
          return { loss: parts.loss, report };
        });
        if (!stats) throw new RlhfError('dpo: the training step returned no statistics');
        const [chosenReward, rejectedReward, accuracy] = stats;
        const entry = {
          step: log.length + 1,
          loss,
          accuracy,
          margin: chosenReward - rejectedReward,
          chosenReward,
          rejectedReward,
        };
        log.push(entry);
        loop.progress?.update({ step: entry.step, loss, epoch: epoch + 1 });
        options.onStep?.({ ...entry, totalSteps: steps });
        await loop.yieldAndCheck();
      }
    }
    const trainEval = await evaluatePairs(loop, policy, train, beta, padId, batchSize);
    const result: DpoResult = { log, train: trainEval, referenceMode: reference.mode, seconds: 0 };
    if (heldOut.length > 0) {
      result.heldOut = await evaluatePairs(loop, policy, heldOut, beta, padId, batchSize);
      loop.progress?.logEval(log.length, {
        heldOutAccuracy: result.heldOut.accuracy,
        heldOutMargin: result.heldOut.margin,
      });
    }
    result.seconds = (performance.now() - started) / 1000;
    loop.progress?.finish();
    return result;
  });
}

function batchLoss(policy: Model, part: readonly EncodedPair[], beta: number, padId: number) {
  const n = part.length;
  const logp = sequenceLogprobs(
    policy,
    collateSequences([...part.map((e) => e.chosen), ...part.map((e) => e.rejected)], padId),
  ); // [2n]
  return dpoLoss(
    tf.slice(logp, [0], [n]),
    tf.slice(logp, [n], [n]),
    tf.tensor1d(part.map((e) => e.refChosen)),
    tf.tensor1d(part.map((e) => e.refRejected)),
    beta,
  );
}

/** Implicit-reward loss, accuracy and margin over `pairs`; gives the event loop a turn (and honours a stop) per batch. */
async function evaluatePairs(
  loop: TrainingLoop,
  policy: Model,
  pairs: readonly EncodedPair[],
  beta: number,
  padId: number,
  batchSize: number,
): Promise<DpoEval> {
  let loss = 0;
  let correct = 0;
  let margin = 0;
  for (const part of chunks(pairs, batchSize)) {
    await loop.yieldAndCheck();
    const sums = tf.tidy(() => {
      const parts = batchLoss(policy, part, beta, padId);
      const diff = tf.sub(parts.chosenRewards, parts.rejectedRewards);
      return tf.stack([tf.mul(parts.loss, part.length), tf.sum(tf.cast(tf.greater(diff, 0), 'float32')), tf.sum(diff)]);
    });
    let l: number, c: number, m: number;
    try {
      [l, c, m] = (await sums.data()) as Float32Array;
    } finally {
      sums.dispose();
    }
    loss += l;
    correct += c;
    margin += m;
  }
  return { loss: loss / pairs.length, accuracy: correct / pairs.length, margin: margin / pairs.length };
}
