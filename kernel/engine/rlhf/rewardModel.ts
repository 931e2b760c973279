/**
 * `rewardModel(backbone, pairs, options)`: a scalar head on a backbone trained with the Bradley–Terry loss
 * −log σ(r_chosen − r_rejected), optionally through LoRA adapters; reports pairwise accuracy on held-out pairs
 * and scores (prompt, completion) pairs afterwards.
 */
import * as tf from '@tensorflow/tfjs-core';
import { addScalarHead } from '../heads/addHead';
import type { HeadPooling } from '../heads/headLayout';
import type { HeadModel } from '../heads/headModel';
import type { Model } from '../models/model';
import { runTrainingLoop, type TrainingLoop, type TrainingLoopOptions } from '../train/loop';
import { Rng } from '../train/rng';
import { lora, type LoraOptions } from '../tuners/lora';
import { bradleyTerryLoss } from './losses';
import { checkPairs, chunks, splitPairs, type PreferencePair } from './pairs';
import { RlhfError } from './rlhfError';
import { collateSequences, encodeSequence, padIdOf, type Sequence } from './sequences';

export interface RewardModelOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** Train LoRA adapters (and the head) instead of the whole backbone. */
  lora?: LoraOptions | boolean;
  /** Fraction of pairs held out for accuracy (default 0.2), or explicit held-out pairs. */
  heldOut?: number | readonly PreferencePair[];
  /** Default 'last' for GPT-2 (HF's reward-model choice); 'mean' helps tiny models see the whole completion. */
  pooling?: HeadPooling;
  /** Tokens per prompt + completion (default 64). */
  maxLength?: number;
  seed?: number;
  /** Draw a live progress chart in the cell (default true; a no-op outside a kernel). */
  progress?: boolean;
  /** Called after each optimiser step (e.g. to relay progress to a panel). */
  onStep?: (step: { step: number; totalSteps: number; loss: number; epoch: number }) => void;
  /** Stops training before the next step (as the kernel's interrupt does); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RewardModelReport {
  trainPairs: number;
  heldOutPairs: number;
  /** Share of held-out pairs where r(chosen) > r(rejected); NaN without held-out pairs. */
  heldOutAccuracy: number;
  trainAccuracy: number;
  losses: number[];
  seconds: number;
}

/** Sequences scored per forward pass. */
const SCORE_BATCH = 32;

export class RewardModel {
  constructor(
    readonly model: HeadModel,
    readonly maxLength: number,
    readonly report: RewardModelReport,
  ) {}

  /** Scalar reward of one completion for one prompt. */
  score(prompt: string, completion: string): number {
    return this.scoreMany([{ prompt, completion }])[0];
  }

  scoreMany(items: ReadonlyArray<{ prompt: string; completion: string }>): number[] {
    const tokenizer = requireTokenizer(this.model);
    return this.scoreSequences(items.map((x) => encodeSequence(tokenizer, x.prompt, x.completion, this.maxLength)));
  }

  /** Rewards of already tokenized prompt + completion sequences. */
  scoreSequences(sequences: readonly Sequence[], batchSize = SCORE_BATCH): number[] {
    const out: number[] = [];
    for (const part of chunks(sequences, batchSize)) {
      const scores = tf.tidy(() => scoreBatch(this.model, part, false));
      out.push(...(scores.dataSync() as Float32Array));
      scores.dispose();
    }
    return out;
  }

  /** `scoreMany` with asynchronous read-backs (one per batch of SCORE_BATCH), as a GPU backend needs. */
  scoreManyAsync(items: ReadonlyArray<{ prompt: string; completion: string }>): Promise<number[]> {
    const tokenizer = requireTokenizer(this.model);
    return this.scoreSequencesAsync(
      items.map((x) => encodeSequence(tokenizer, x.prompt, x.completion, this.maxLength)),
    );
  }

  /** `scoreSequences` with asynchronous read-backs. */
  async scoreSequencesAsync(sequences: readonly Sequence[], batchSize = SCORE_BATCH): Promise<number[]> {
    const out: number[] = [];
    for (const part of chunks(sequences, batchSize)) {
      const scores = tf.tidy(() => scoreBatch(this.model, part, false));
      try {
        out.push(...((await scores.data()) as Float32Array));
      } finally {
        scores.dispose();
      }
    }
    return out;
  }

  /** Share of pairs the model orders correctly. */
  accuracy(pairs: readonly PreferencePair[]): number {
    if (pairs.length === 0) return NaN;
    const chosen = this.scoreMany(pairs.map((p) => ({ prompt: p.prompt, completion: p.chosen })));
    const rejected = this.scoreMany(pairs.map((p) => ({ prompt: p.prompt, completion: p.rejected })));
    return chosen.filter((c, i) => c > rejected[i]).length / pairs.length;
  }

  dispose(): void {
    this.model.dispose();
  }
}

export async function rewardModel(
  backbone: Model,
  pairs: readonly PreferencePair[],
  options: RewardModelOptions = {},
): Promise<RewardModel> {
  const all = checkPairs(pairs, 'rewardModel');
  requireTokenizer(backbone);
  const seed = options.seed ?? 0;
  const maxLength = options.maxLength ?? 64;
  const batchSize = options.batchSize ?? 8;
  const epochs = options.epochs ?? 1;
  if (options.lora) lora(backbone, options.lora === true ? { seed } : { seed, ...options.lora });
  const model = addScalarHead(backbone, { pooling: options.pooling, seed, dropout: 0 });
  const split = splitPairs(all, options.heldOut ?? 0.2, seed);
  if (split.train.length === 0) throw new RlhfError('rewardModel: no pairs left to train on after holding some out');
  const tokenizer = requireTokenizer(model);
  const encode = (p: PreferencePair) => ({
    chosen: encodeSequence(tokenizer, p.prompt, p.chosen, maxLength),
    rejected: encodeSequence(tokenizer, p.prompt, p.rejected, maxLength),
  });
  const train = split.train.map(encode);
  const rng = Rng.fromSeed(seed);
  const steps = epochs * Math.ceil(train.length / batchSize);
  const loopOptions: TrainingLoopOptions = {
    model,
    alsoStatsFor: [backbone],
    variables: model.trainableVariables(),
    optimizer: { lr: options.lr ?? 1e-3, weightDecay: options.weightDecay ?? 0, noDecay: 'bias-and-norm' },
    progress: options.progress === false ? undefined : { totalSteps: steps, title: 'Reward model (Bradley–Terry)' },
    signal: options.signal,
    what: 'rewardModel',
    memory: { batchSize: 2 * Math.max(1, Math.min(batchSize, train.length)) }, // chosen and rejected
  };
  const started = performance.now();
  return runTrainingLoop(loopOptions, async (loop) => {
    const losses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(train.length).map((i) => train[i]);
      for (const part of chunks(order, batchSize)) {
        const { loss } = await loop.stepAsync(() => {
          const scores = scoreBatch(model, [...part.map((x) => x.chosen), ...part.map((x) => x.rejected)], false);
          const n = part.length;
          return bradleyTerryLoss(tf.slice(scores, [0], [n]), tf.slice(scores, [n], [n]));
        });
        losses.push(loss);
        loop.progress?.update({ step: losses.length, loss, epoch: epoch + 1 });
        options.onStep?.({ step: losses.length, totalSteps: steps, loss, epoch: epoch + 1 });
        await loop.yieldAndCheck();
      }
    }
    const report: RewardModelReport = {
      trainPairs: split.train.length,
      heldOutPairs: split.heldOut.length,
      heldOutAccuracy: NaN,
      trainAccuracy: NaN,
      losses,
      seconds: 0,
    };
    const result = new RewardModel(model, maxLength, report);
    report.heldOutAccuracy = await pairAccuracy(loop, result, split.heldOut);
    report.trainAccuracy = await pairAccuracy(loop, result, split.train);
    report.seconds = (performance.now() - started) / 1000;
    loop.progress?.logEval(losses.length, { heldOutAccuracy: report.heldOutAccuracy });
    loop.progress?.finish();
    return result;
  });
}

/** `reward.accuracy(pairs)`, scored in the same batches, with a turn of the event loop (and a stop check) between them. */
async function pairAccuracy(
  loop: TrainingLoop,
  reward: RewardModel,
  pairs: readonly PreferencePair[],
): Promise<number> {
  if (pairs.length === 0) return NaN;
  const tokenizer = requireTokenizer(reward.model);
  const score = async (completions: Array<{ prompt: string; completion: string }>): Promise<number[]> => {
    const sequences = completions.map((x) => encodeSequence(tokenizer, x.prompt, x.completion, reward.maxLength));
    const out: number[] = [];
    for (const part of chunks(sequences, SCORE_BATCH)) {
      await loop.yieldAndCheck();
      out.push(...(await reward.scoreSequencesAsync(part, SCORE_BATCH)));
    }
    return out;
  };
  const chosen = await score(pairs.map((p) => ({ prompt: p.prompt, completion: p.chosen })));
  const rejected = await score(pairs.map((p) => ({ prompt: p.prompt, completion: p.rejected })));
  return chosen.filter((c, i) => c > rejected[i]).length / pairs.length;
}

/** Scores [B] of a batch of sequences (differentiable). */
function scoreBatch(model: HeadModel, sequences: readonly Sequence[], training: boolean): tf.Tensor1D {
  const batch = collateSequences(sequences, padIdOf(model.tokenizer, model.config));
  return model.logits(batch.ids, { attentionMask: batch.attentionMask, training }) as tf.Tensor1D;
}

function requireTokenizer(model: Model) {
  if (!model.tokenizer)
    throw new RlhfError('RLHF needs a model with a tokenizer (load it from a folder with tokenizer.json)');
  return model.tokenizer;
}
