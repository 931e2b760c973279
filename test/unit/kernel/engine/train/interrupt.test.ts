// A kernel interrupt stops every long engine job within 200 ms and the model keeps valid, usable weights; after
// each training job the freeze map's heatmap has data. The kernel is simulated as kernelServer.ts does it: a bridge
// object on globalThis[Symbol.for('tunebook.kernel')] whose currentSignal() is the running cell's AbortSignal.
// Each job is given work for minutes (a test timeout catches one that ignores the interrupt) and is interrupted
// by a timer once it has run 250 ms and, for training jobs, applied at least one step.
//
// What is asserted on the weights:
// - training jobs: at the moment of the abort (a timer callback, so between two steps or micro-batches) the
//   trained weights are copied; after the job settles they are exactly equal to that copy (no step after the
//   interrupt), they differ from the initial weights (steps before it were kept), they are finite, not disposed,
//   and a forward pass still works;
// - sweepFreeze / embed / promptSearch / fewShotClassify: the weights equal the initial ones, and a forward works.
import { after, afterEach, before, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { embed } from '../../../../../kernel/engine/features/embed';
import { fewShotClassify } from '../../../../../kernel/engine/icl/fewShot';
import { promptSearch } from '../../../../../kernel/engine/icl/promptSearch';
import { create } from '../../../../../kernel/engine/models/create';
import { load } from '../../../../../kernel/engine/models/load';
import type { Model } from '../../../../../kernel/engine/models/model';
import { dpo } from '../../../../../kernel/engine/rlhf/dpo';
import { ppo } from '../../../../../kernel/engine/rlhf/ppo';
import { rewardModel, type RewardModel } from '../../../../../kernel/engine/rlhf/rewardModel';
import {
  KERNEL_BRIDGE_KEY,
  type DisplayFunction,
  type KernelBridge,
} from '../../../../../kernel/engine/runtime/kernelBridge';
import { sweepFreeze } from '../../../../../kernel/engine/sweep/freezeSweep';
import { trainImageClassifier } from '../../../../../kernel/engine/train/imageTrainer';
import { train } from '../../../../../kernel/engine/train/trainer';
import { trainingStats } from '../../../../../kernel/engine/train/trainingStats';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { withTrainingStats } from '../../../../../kernel/server/layerTrainingStats';
import type { ModelLayer } from '../../../../../kernel/protocol';
import { gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { DIGITS } from '../vision/visionFixtures';
import { TINY_GPT2 } from './trainerFakes';

/** The bound under test: from `abort()` to the job's promise settling. */
const STOP_WITHIN_MS = 200;
/** How long each job runs before the interrupt (long enough for a few steps of these tiny models). */
const RUN_BEFORE_ABORT_MS = 250;
/** A job that ignores the interrupt runs far longer than this (its work is sized for minutes). */
const JOB_TIMEOUT_MS = 30_000;

before(useTestBackend);
afterEach(() => delete (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY]);

const noDisplay = Object.assign(() => ({ outputId: 'x', update: () => undefined }), {
  markdown: () => ({ outputId: 'x', update: () => undefined }),
  html: () => ({ outputId: 'x', update: () => undefined }),
  json: () => ({ outputId: 'x', update: () => undefined }),
  table: () => ({ outputId: 'x', update: () => undefined }),
  image: () => ({ outputId: 'x', update: () => undefined }),
}) as unknown as DisplayFunction;

/** Installs the kernel bridge with a fresh cell signal, as the kernel does while a cell runs. */
function fakeKernel(): AbortController {
  const controller = new AbortController();
  const bridge: KernelBridge = { currentSignal: () => controller.signal, display: noDisplay };
  (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] = bridge;
  return controller;
}

type Weights = Map<string, Float32Array>;

function weightsOf(model: Model): Weights {
  return new Map([...model.params].map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));
}

interface Interrupted<T> {
  /** ms from abort() to the promise settling */
  stopMs: number;
  value?: T;
  error?: unknown;
  reason: Error;
  /** The model's weights at the moment of the abort. */
  atAbort: Weights;
}

/**
 * Starts `job` in a simulated cell and interrupts it once it has run RUN_BEFORE_ABORT_MS and `ready()` holds
 * (training jobs: a weight has changed, i.e. a step was applied); measures how fast it settles after the abort.
 */
async function interruptMidRun<T>(
  model: Model,
  job: () => Promise<T>,
  ready: () => boolean = () => true,
): Promise<Interrupted<T>> {
  const kernel = fakeKernel();
  const reason = new Error('interrupted by the test');
  const startedAt = performance.now();
  let abortedAt = 0;
  let atAbort: Weights = new Map();
  const poll = setInterval(() => {
    if (performance.now() - startedAt < RUN_BEFORE_ABORT_MS || !ready()) return;
    clearInterval(poll);
    atAbort = weightsOf(model);
    abortedAt = performance.now();
    kernel.abort(reason);
  }, 5);
  const outcome: { value?: T; error?: unknown } = {};
  try {
    outcome.value = await job();
  } catch (error) {
    outcome.error = error;
  } finally {
    clearInterval(poll);
  }
  const settledAt = performance.now();
  assert.ok(
    abortedAt > 0,
    `the job finished before the interrupt (${String(outcome.error ?? 'no error')}); give it more work`,
  );
  return { ...outcome, stopMs: settledAt - abortedAt, reason, atAbort };
}

/** True once some weight of `model` differs from `initial` (a training step was applied). */
function changedFrom(model: Model, initial: Weights): () => boolean {
  return () =>
    [...model.params].some(([name, v]) => {
      const start = initial.get(name)!;
      return (v.dataSync() as Float32Array).some((x, i) => x !== start[i]);
    });
}

function assertStoppedQuickly(run: Interrupted<unknown>, t: TestContext): void {
  t.diagnostic(`stopped ${run.stopMs.toFixed(1)} ms after the interrupt`);
  assert.ok(
    run.stopMs <= STOP_WITHIN_MS,
    `stopped ${run.stopMs.toFixed(1)} ms after the interrupt (bound ${STOP_WITHIN_MS} ms)`,
  );
}

function assertRejectedWithReason(run: Interrupted<unknown>): void {
  assert.equal(run.error, run.reason, `the job rejects with the interrupt's reason, got ${String(run.error)}`);
}

/** Valid weights: not disposed, finite, and a forward pass on a few tokens gives finite logits. */
function assertUsable(model: Model, forwardInput: number[][] | tf.Tensor = [[1, 2, 3, 4]]): void {
  for (const [name, v] of model.params) {
    assert.equal(v.isDisposed, false, `${name} was disposed`);
    assert.ok(v.dataSync().every(Number.isFinite), `${name} has non-finite entries`);
  }
  const logits = tf.tidy(() => model.logits(forwardInput as never).dataSync());
  assert.ok(logits.length > 0 && logits.every(Number.isFinite), 'a forward pass gives finite logits');
}

function assertSameWeights(actual: Weights, expected: Weights, what: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, values] of expected) assert.deepEqual(actual.get(name), values, `${name}: ${what}`);
}

/** The interrupt kept the steps before it and applied none after it. */
function assertTrainedUpToTheInterrupt(
  model: Model,
  initial: Weights,
  run: Interrupted<unknown>,
  trained: (name: string) => boolean,
): void {
  const now = weightsOf(model);
  assertSameWeights(now, run.atAbort, 'no update after the interrupt');
  const moved = [...now].filter(
    ([name, values]) => trained(name) && values.some((x, i) => x !== initial.get(name)![i]),
  );
  assert.ok(moved.length > 0, 'the steps before the interrupt were kept (some trained weight changed)');
}

/** trainingStats(model) has nonzero entries for trained parameters, and the freeze map's layer tree shows them. */
function assertHeatmapHasData(model: Model, trained: (name: string) => boolean): void {
  const stats = trainingStats(model);
  assert.ok(stats !== undefined, 'trainingStats(model) is set');
  assert.ok(stats.steps > 0, `steps recorded: ${stats.steps}`);
  const trainedStats = [...stats.params].filter(([name]) => trained(name));
  assert.ok(trainedStats.length > 0, 'trained parameters are listed');
  assert.ok(trainedStats.every(([, s]) => Number.isFinite(s.gradNorm) && Number.isFinite(s.weightChange)));
  assert.ok(
    trainedStats.some(([, s]) => s.gradNorm > 0),
    'a trained parameter has a nonzero gradient norm',
  );
  assert.ok(
    trainedStats.some(([, s]) => s.weightChange > 0),
    'a trained parameter has a nonzero weight change',
  );
  const layers = withTrainingStats(model.layers() as unknown as ModelLayer[], stats);
  const flat = (nodes: readonly ModelLayer[]): ModelLayer[] => nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);
  const shown = flat(layers).filter((n) => n.trainingStats !== undefined);
  assert.ok(shown.length > 0, 'the layer tree carries trainingStats');
  assert.ok(
    shown.some((n) => n.trainingStats!.weightChange > 0 && n.trainingStats!.gradNorm > 0),
    'some layer shows a nonzero change and gradient',
  );
}

function tinyLm(seed = 1): Model {
  const model = create({ ...TINY_GPT2, vocab_size: 19 }, { seed }); // every id decodes (the tokenizer has 19 tokens)
  model.tokenizer = gpt2Like();
  return model;
}

const subjects = ['the cat', 'a dog', 'the mat', 'a cat', 'the dog', 'a mat'];
const textData = subjects.flatMap((s) => [
  { text: `${s} is good`, label: 'good' },
  { text: `${s} is bad`, label: 'bad' },
]);
const pairs = subjects.flatMap((s) => [
  { prompt: `q ${s}`, chosen: ' ans the cat sat', rejected: ' ans a dog ran' },
  { prompt: `why ${s}`, chosen: ' because the mat', rejected: ' because a dog' },
]);
const all = () => true;

test(
  'train(): interrupted within 200 ms, returns interrupted with the weights of the last completed step; heatmap has data',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const model = tinyLm(2);
    const initial = weightsOf(model);
    const lmData = Array.from({ length: 16 }, (_, i) => ({
      inputIds: Array.from({ length: 6 }, (_, t) => (5 * i + 3 * t) % 19),
    }));
    const run = await interruptMidRun(
      model,
      () =>
        train(model, lmData, {
          maxSteps: 100_000,
          batchSize: 2,
          gradientAccumulationSteps: 2,
          learningRate: 1e-2,
          progress: false,
        }),
      changedFrom(model, initial),
    );
    assertStoppedQuickly(run, t);
    assert.equal(run.error, undefined);
    assert.equal(run.value!.interrupted, true);
    assert.ok(run.value!.steps > 0 && run.value!.steps < 100_000, `steps ${run.value!.steps}`);
    assertTrainedUpToTheInterrupt(model, initial, run, all);
    assertUsable(model);
    assertHeatmapHasData(model, all);
    model.dispose();
  },
);

test(
  'trainImageClassifier(): interrupted within 200 ms with the weights of the last completed step; heatmap has data',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const model = await load('tunebook/tiny-vit', { id2label: { 0: 'high', 1: 'low' } });
    const data = await ImageDataset.fromFolder(join(DIGITS, 'train'), {
      preprocessor: model.preprocessorConfig,
      seed: 1,
    });
    const initial = weightsOf(model);
    const run = await interruptMidRun(
      model,
      () => trainImageClassifier(model, data, { epochs: 10_000, batchSize: 1, learningRate: 1e-3, progress: false }),
      changedFrom(model, initial),
    );
    assertStoppedQuickly(run, t);
    assert.equal(run.error, undefined);
    assert.equal(run.value!.status, 'interrupted');
    assert.ok(run.value!.steps > 0, `steps ${run.value!.steps}`);
    assertTrainedUpToTheInterrupt(model, initial, run, all);
    const batch = (await data.batches(2)[Symbol.asyncIterator]().next()).value as { pixels: tf.Tensor };
    assertUsable(model, batch.pixels);
    batch.pixels.dispose();
    assertHeatmapHasData(model, all);
    model.dispose();
  },
);

test(
  'rewardModel(): interrupted within 200 ms, rejects with the reason; the backbone keeps its weights; heatmap has data',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const backbone = tinyLm(3);
    const initial = weightsOf(backbone);
    const many = Array.from({ length: 50 }, () => pairs).flat();
    const run = await interruptMidRun(
      backbone,
      () => rewardModel(backbone, many, { epochs: 1000, batchSize: 4, heldOut: 0, progress: false }),
      changedFrom(backbone, initial),
    );
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertTrainedUpToTheInterrupt(backbone, initial, run, all);
    assertUsable(backbone);
    assertHeatmapHasData(backbone, all);
    backbone.dispose();
  },
);

test(
  'dpo(): interrupted within 200 ms, rejects with the reason, policy keeps the last completed step; heatmap has data',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const policy = tinyLm(4);
    const initial = weightsOf(policy);
    const run = await interruptMidRun(
      policy,
      () => dpo(policy, pairs, { epochs: 100_000, batchSize: 4, lr: 1e-2, progress: false }),
      changedFrom(policy, initial),
    );
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertTrainedUpToTheInterrupt(policy, initial, run, all);
    assertUsable(policy);
    assertHeatmapHasData(policy, all);
    policy.dispose();
  },
);

let reward: RewardModel | undefined;
after(() => reward?.dispose());

test(
  'ppo(): interrupted within 200 ms, rejects with the reason, policy keeps its weights; heatmap has data',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    reward = await rewardModel(tinyLm(5), pairs, { epochs: 1, batchSize: 8, heldOut: 0, progress: false });
    const policy = tinyLm(6);
    const initial = weightsOf(policy);
    const prompts = subjects.map((s) => `q ${s}`);
    const run = await interruptMidRun(
      policy,
      () =>
        ppo(policy, reward!, prompts, {
          iterations: 100_000,
          batchSize: 4,
          miniBatchSize: 2,
          ppoEpochs: 2,
          maxNewTokens: 4,
          lr: 1e-2,
          progress: false,
        }),
      changedFrom(policy, initial),
    );
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertTrainedUpToTheInterrupt(policy, initial, run, all);
    assertUsable(policy);
    assertHeatmapHasData(policy, all);
    policy.dispose();
  },
);

test(
  'sweepFreeze(): interrupted within 200 ms, rejects with the reason, the model keeps its pretrained weights',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const model = tinyLm(7);
    const initial = weightsOf(model);
    const data = { train: Array.from({ length: 20 }, () => textData).flat(), eval: textData };
    const run = await interruptMidRun(model, () =>
      sweepFreeze(model, data, { epochs: 1000, batchSize: 4, learningRate: 1e-2, show: false }),
    );
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertSameWeights(weightsOf(model), initial, 'restored to the pretrained weights');
    assertUsable(model);
    model.dispose();
  },
);

test(
  'embed(): interrupted within 200 ms, rejects with the reason, the model is unchanged',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const model = tinyLm(8);
    const initial = weightsOf(model);
    const texts = Array.from(
      { length: 50_000 },
      (_, i) => `${subjects[i % subjects.length]} is good ${'the '.repeat(i % 7)} #${i}`,
    ); // distinct texts: embed() deduplicates
    const run = await interruptMidRun(model, () => embed(model, texts, { batchSize: 1 }));
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertSameWeights(weightsOf(model), initial, 'unchanged');
    assertUsable(model);
    model.dispose();
  },
);

const verbalizers = { good: 'yes', bad: 'no' };
const dev = Array.from({ length: 500 }, () => textData).flat();

test(
  'fewShotClassify(): interrupted within 200 ms, rejects with the reason, the model is unchanged',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const model = tinyLm(9);
    const initial = weightsOf(model);
    const run = await interruptMidRun(model, () =>
      fewShotClassify(model, { train: textData, dev, template: 'q {text} ans {label}', k: 2, seed: 1, verbalizers }),
    );
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertSameWeights(weightsOf(model), initial, 'unchanged');
    assertUsable(model);
    model.dispose();
  },
);

test(
  'promptSearch(): interrupted within 200 ms, rejects with the reason, the model is unchanged',
  { timeout: JOB_TIMEOUT_MS },
  async (t) => {
    const model = tinyLm(10);
    const initial = weightsOf(model);
    const templates = ['q {text} ans {label}', '{text} is {label}', 'why {text} because {label}'];
    const run = await interruptMidRun(model, () =>
      promptSearch(model, { templates, train: textData, dev, k: 2, seed: 1, verbalizers }),
    );
    assertStoppedQuickly(run, t);
    assertRejectedWithReason(run);
    assertSameWeights(weightsOf(model), initial, 'unchanged');
    assertUsable(model);
    model.dispose();
  },
);

// A head model and its backbone share the trained variables: both show what learned.
test(
  'rewardModel() sets trainingStats on the backbone and on the reward head model',
  { timeout: JOB_TIMEOUT_MS },
  async () => {
    const backbone = tinyLm(11);
    const rm = await rewardModel(backbone, pairs, { epochs: 2, batchSize: 4, heldOut: 0, progress: false });
    const onHead = trainingStats(rm.model)!;
    const onBackbone = trainingStats(backbone)!;
    assert.equal(onHead.steps, 6);
    assert.equal(onBackbone.steps, 6);
    const headOnly = [...onHead.params.keys()].filter((name) => !onBackbone.params.has(name));
    assert.ok(
      headOnly.length > 0 && headOnly.every((name) => onHead.params.get(name)!.weightChange > 0),
      `head parameters moved: ${headOnly.join(', ')}`,
    );
    rm.dispose();
  },
);
