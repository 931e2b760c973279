/**
 * `train(model, data, options)`: fine-tunes a model's trainable variables with AdamW, read top to bottom:
 *   prepare data → plan steps → (resume) → for each optimizer step:
 *     micro-batches → loss / gradients (accumulated, normalised by the window's examples or tokens)
 *     → clip by global norm → AdamW at the schedule's learning rate → log → evaluate → early stop → checkpoint
 * Built on the training loop (loop.ts), which polls the kernel's interrupt (and options.signal) between
 * micro-batches: an interrupted run keeps the model as trained so far and returns its history with
 * `interrupted: true`. A live progress bar with loss and metric curves is redrawn in the cell while it runs.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';
import { batchLoss, makeBatch, type MicroBatch } from './batches';
import {
  checkpointDirName,
  latestCheckpoint,
  pruneCheckpoints,
  type BestMetric,
  type TrainerState,
} from './checkpoint';
import { evaluatePrepared, type EvalMetrics } from './evaluate';
import { runTrainingLoop, type TrainingLoop, type TrainingLoopOptions } from './loop';
import type { Rng } from './rng';
import { createSchedule, warmupStepsFromRatio } from './schedule';
import {
  dropoutRng,
  epochAfter,
  epochOrder,
  microBatchIndices,
  planSteps,
  spanOfStep,
  type StepPlan,
} from './stepPlan';
import { checkModelFitsTask } from './taskCheck';
import { padTokenIdFor, prepareData, type TrainData } from './trainData';
import { TrainerError } from './trainerError';
import { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './trainOptions';
import { displayable, type EvalLogEntry, type TrainLogEntry, type TrainResult, type TrainStatus } from './trainResult';

export async function train(model: Model, data: TrainData, options: TrainOptions = {}): Promise<TrainResult> {
  const startedAt = performance.now();
  const opts = resolveTrainOptions(options);
  const trainSet = prepareData(model, data, {
    task: options.task,
    maxLength: options.maxLength,
    labels: options.labels,
    what: 'training data',
  });
  const labelNames = trainSet.task === 'classification' ? trainSet.labelNames : undefined;
  const evalSet =
    options.evalData === undefined
      ? undefined
      : prepareData(model, options.evalData, {
          task: trainSet.task,
          maxLength: options.maxLength,
          labels: options.labels ?? labelNames,
          what: 'evalData',
        });
  const padTokenId = padTokenIdFor(model, options.padTokenId);
  const variables = model.trainableVariables();
  checkModelFitsTask(model, trainSet, 'the training data');

  const plan = planSteps(
    trainSet.examples.length,
    opts.batchSize,
    opts.gradientAccumulationSteps,
    opts.epochs,
    opts.maxSteps,
  );
  const warmupSteps = opts.warmupSteps ?? warmupStepsFromRatio(opts.warmupRatio, plan.totalSteps);
  const schedule = createSchedule({
    kind: opts.schedule,
    learningRate: opts.learningRate,
    warmupSteps,
    totalSteps: plan.totalSteps,
  });
  const run = new RunState(opts, plan, dropoutRng(opts.seed));
  const loopOptions: TrainingLoopOptions = {
    model,
    variables,
    optimizer: {
      lr: opts.learningRate,
      betas: opts.betas,
      eps: opts.adamEpsilon,
      weightDecay: opts.weightDecay,
      noDecay: 'bias-and-norm',
    },
    progress: opts.progress ? { totalSteps: plan.totalSteps, title: opts.title } : undefined,
    signal: options.signal,
    maxGradNorm: opts.maxGradNorm,
    what: 'train()',
    memory: {
      batchSize: opts.batchSize,
      sequenceLength: Math.max(1, ...trainSet.examples.map((e) => e.inputIds.length)),
    },
  };

  return runTrainingLoop(loopOptions, async (loop) => {
    const progress = loop.progress;
    const stop = () => loop.stopRequested;
    if (opts.resumeFromCheckpoint !== undefined) await run.resume(opts.resumeFromCheckpoint, loop);
    for (const entry of run.history)
      progress?.update({ step: entry.step, loss: entry.loss, learningRate: entry.learningRate, epoch: entry.epoch });
    const firstStep = run.step;
    let status: TrainStatus = 'completed';
    let order: { epoch: number; indices: number[] } | undefined;

    while (run.step < plan.totalSteps) {
      if (stop()) {
        status = 'interrupted';
        break;
      }
      const span = spanOfStep(plan, run.step);
      if (order?.epoch !== span.epoch)
        order = { epoch: span.epoch, indices: epochOrder(run.seed, span.epoch, plan.numExamples, opts.shuffle) };
      const batches: MicroBatch[] = [];
      for (let i = span.first; i < span.end; i++)
        batches.push(makeBatch(trainSet, microBatchIndices(plan, order.indices, i), padTokenId));

      const learningRate = schedule.lrAt(run.step);
      const stepStart = performance.now();
      // the loss sum of each micro-batch over the window's total count: accumulation equals one big batch
      const windowCount = Math.max(
        1,
        batches.reduce((n, b) => n + b.count, 0),
      );
      const outcome = await loop.accumulatedStep(
        batches.length,
        (i) => tf.div(batchLoss(model, batches[i], opts.dropout).lossSum, windowCount) as tf.Scalar,
        { learningRate, rng: run.rng },
      );
      if (outcome === 'interrupted') {
        status = 'interrupted';
        break;
      }
      run.step++;
      run.trainTimeMs += performance.now() - stepStart;
      for (const b of batches) {
        run.examplesSeen += b.size;
        run.tokensSeen += b.tokens;
      }
      const epoch = epochAfter(plan, run.step);
      const endOfEpoch = run.step % plan.stepsPerEpoch === 0;
      if (run.step % opts.loggingSteps === 0 || run.step === plan.totalSteps) {
        run.history.push({ step: run.step, epoch, loss: outcome.loss, learningRate, gradNorm: outcome.gradNorm });
      }
      progress?.update({ step: run.step, loss: outcome.loss, learningRate, epoch });

      const evalDue =
        evalSet &&
        ((opts.evalStrategy === 'steps' && run.step % opts.evalSteps! === 0) ||
          (opts.evalStrategy === 'epoch' && endOfEpoch));
      if (evalDue) {
        const metrics = await evaluatePrepared(model, evalSet, opts.evalBatchSize, padTokenId, stop);
        if (!metrics) {
          status = 'interrupted';
          break;
        }
        run.recordEval(metrics, epoch);
        progress?.logEval(run.step, metrics);
      }
      const saveDue =
        (opts.saveStrategy === 'steps' && run.step % opts.saveSteps! === 0) ||
        (opts.saveStrategy === 'epoch' && endOfEpoch);
      if (saveDue) await run.save(loop, schedule.config);
      if (run.shouldStopEarly()) {
        status = 'early-stopped';
        break;
      }
      await loop.nextTurn();
    }

    const finished = status !== 'interrupted';
    if (finished && evalSet && run.step > firstStep && run.evalHistory.at(-1)?.step !== run.step) {
      const metrics = await evaluatePrepared(model, evalSet, opts.evalBatchSize, padTokenId, stop);
      if (metrics) {
        run.recordEval(metrics, epochAfter(plan, run.step));
        progress?.logEval(run.step, metrics);
      } else status = 'interrupted';
    }
    if (opts.saveStrategy !== 'no' && run.step > firstStep && run.lastSavedStep !== run.step)
      await run.save(loop, schedule.config);
    progress?.finish(status === 'interrupted' ? 'interrupted' : 'done');

    const params = countParams(model);
    const trainSeconds = run.trainTimeMs / 1000;
    return displayable({
      task: trainSet.task,
      status,
      interrupted: status === 'interrupted',
      steps: run.step,
      totalSteps: plan.totalSteps,
      epochs: epochAfter(plan, run.step),
      history: run.history,
      evalHistory: run.evalHistory,
      finalEval: run.evalHistory.at(-1),
      bestMetric: run.bestMetric,
      checkpoints: run.checkpoints,
      resumedFrom: run.resumedFrom,
      wallTimeMs: performance.now() - startedAt,
      trainTimeMs: run.trainTimeMs,
      examplesPerSecond: trainSeconds > 0 ? run.examplesSeen / trainSeconds : 0,
      tokensPerSecond: trainSeconds > 0 ? run.tokensSeen / trainSeconds : 0,
      trainableParams: params.trainable,
      totalParams: params.total,
      labelNames,
    });
  });
}

/** Counters, logs and best-metric tracking of one run; what a checkpoint saves and a resume restores. */
class RunState {
  step = 0;
  seed: number;
  history: TrainLogEntry[] = [];
  evalHistory: EvalLogEntry[] = [];
  bestMetric: BestMetric | null = null;
  evalsWithoutImprovement = 0;
  checkpoints: string[] = [];
  lastSavedStep = -1;
  resumedFrom?: string;
  trainTimeMs = 0;
  examplesSeen = 0;
  tokensSeen = 0;

  constructor(
    private readonly opts: ResolvedTrainOptions,
    private readonly plan: StepPlan,
    readonly rng: Rng,
  ) {
    this.seed = opts.seed;
  }

  recordEval(metrics: EvalMetrics, epoch: number): void {
    const name = this.opts.metricForBestModel;
    const value = metrics[name];
    if (value === undefined) {
      throw new TrainerError(
        `metricForBestModel '${name}' is not among the evaluation metrics: ${Object.keys(metrics).join(', ')}`,
      );
    }
    this.evalHistory.push({ step: this.step, epoch, ...metrics });
    const greater = this.opts.greaterIsBetter;
    const previous = this.bestMetric;
    const improved =
      previous === null ||
      ((greater ? value > previous.value : value < previous.value) &&
        Math.abs(value - previous.value) > this.opts.earlyStoppingThreshold);
    this.evalsWithoutImprovement = improved ? 0 : this.evalsWithoutImprovement + 1;
    if (previous === null || (greater ? value > previous.value : value < previous.value)) {
      this.bestMetric = { name, value, step: this.step, greaterIsBetter: greater };
    }
  }

  shouldStopEarly(): boolean {
    return (
      this.opts.earlyStoppingPatience !== undefined && this.evalsWithoutImprovement >= this.opts.earlyStoppingPatience
    );
  }

  async save(loop: TrainingLoop, schedule: TrainerState['schedule']): Promise<void> {
    const outputDir = this.opts.outputDir!;
    const dir = join(outputDir, checkpointDirName(this.step));
    await loop.saveCheckpoint(dir, {
      step: this.step,
      epoch: epochAfter(this.plan, this.step),
      rng: this.rng.getState(),
      schedule,
      bestMetric: this.bestMetric,
      logHistory: [...this.history, ...this.evalHistory] as unknown as Record<string, number>[],
      extra: { seed: this.seed, evalsWithoutImprovement: this.evalsWithoutImprovement },
    });
    this.lastSavedStep = this.step;
    if (!this.checkpoints.includes(dir)) this.checkpoints.push(dir);
    if (this.opts.saveTotalLimit !== undefined) {
      const best = this.bestMetric ? [join(outputDir, checkpointDirName(this.bestMetric.step))] : [];
      const removed = await pruneCheckpoints(outputDir, this.opts.saveTotalLimit, best);
      this.checkpoints = this.checkpoints.filter((c) => !removed.includes(c));
    }
  }

  async resume(from: string | true, loop: TrainingLoop): Promise<void> {
    const dir = from === true ? await latestCheckpoint(this.opts.outputDir!) : from;
    if (dir === undefined)
      throw new TrainerError(
        `resumeFromCheckpoint: true, but ${this.opts.outputDir} holds no checkpoint-<step> folder`,
      );
    const state = await loop.restoreCheckpoint(dir);
    this.step = state.step;
    this.rng.setState(state.rng);
    this.bestMetric = state.bestMetric;
    const extra = state.extra ?? {};
    if (Number.isSafeInteger(extra.seed)) this.seed = extra.seed as number;
    if (Number.isSafeInteger(extra.evalsWithoutImprovement))
      this.evalsWithoutImprovement = extra.evalsWithoutImprovement as number;
    for (const entry of state.logHistory ?? []) {
      if (typeof entry.eval_loss === 'number') this.evalHistory.push(entry as EvalLogEntry);
      else if (typeof entry.loss === 'number') this.history.push(entry as unknown as TrainLogEntry);
    }
    this.lastSavedStep = state.step;
    this.resumedFrom = dir;
  }
}

function countParams(model: Model): { trainable: number; total: number } {
  let trainable = 0;
  let total = 0;
  for (const v of model.params.values()) {
    total += v.size;
    if (v.trainable) trainable += v.size;
  }
  return { trainable, total };
}
