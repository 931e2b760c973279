/**
 * GPU check (issue 11): `scripts/gpu-check.sh` runs this, bundled, on a GPU machine. It prints the WebGPU adapter,
 * checks GPT-2/BERT/DistilBERT/ViT logits of the golden fixtures against the cpu rung and the PyTorch reference
 * (max |Δ| ≤ 1e-3), times train steps of a tiny GPT and of a GPT-2-small-shaped model on webgpu and on the best
 * CPU rung, measures greedy generation (tokens/s), tries the engine's own train()/generate() on the GPU, and
 * writes bench/results/gpu.json (or --out).
 *
 * Every tensor read is asynchronous (`await t.data()`): tfjs-backend-webgpu cannot read synchronously under Node.
 * Options:
 *   --dry-run        no GPU: the "GPU" side is the wasm rung (checks this script on a CPU machine)
 *   --quick          fewer steps
 *   --no-gpt2-small  skip the GPT-2-small shape (124M parameters)
 *   --out FILE       where the JSON goes (default bench/results/gpu.json)
 *   --golden DIR     golden fixtures (default test/fixtures/golden beside this repo)
 * Exit status: 0 all checks passed, 1 a check failed, 2 no WebGPU adapter (the JSON says why).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKEND_CHOICES, initBackend, type BackendChoice, type BackendReport } from '../kernel/engine/backends/ladder';
import { webgpuDiagnostics } from '../kernel/engine/backends/webgpu/startWebgpu';
import { load } from '../kernel/engine/models/load';
import { create } from '../kernel/engine/models/create';
import type { Model } from '../kernel/engine/models/model';
import { AdamW } from '../kernel/engine/train/optim';
import { train } from '../kernel/engine/train/trainer';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const DRY_RUN = flag('--dry-run');
const QUICK = flag('--quick');
const WITH_GPT2_SMALL = !flag('--no-gpt2-small');
const ROOT = process.env.TUNEBOOK_ROOT ?? path.resolve(__dirname, '..');
const OUT = path.resolve(option('--out', path.join(ROOT, 'bench', 'results', 'gpu.json')));
const GOLDEN = path.resolve(option('--golden', path.join(ROOT, 'test', 'fixtures', 'golden')));
const PARITY_LIMIT = 1e-3;
const SPEEDUP_TARGET = 10;

interface Shape {
  name: string;
  vocab: number;
  context: number;
  width: number;
  heads: number;
  layers: number;
  batch: number;
}
const TINY: Shape = { name: 'tiny-gpt', vocab: 256, context: 64, width: 128, heads: 4, layers: 2, batch: 16 };
const GPT2_SMALL: Shape = {
  name: 'gpt2-small',
  vocab: 50257,
  context: 128,
  width: 768,
  heads: 12,
  layers: 12,
  batch: 4,
};

type Section<T> = T | { error: string };

async function main(): Promise<number> {
  const started = new Date().toISOString();
  const target: BackendChoice = DRY_RUN ? 'wasm' : 'webgpu';
  let gpu: BackendReport;
  try {
    gpu = await initBackend(target);
  } catch (err) {
    const reason = messageOf(err);
    console.log(`no adapter: ${reason}`);
    writeResults({ started, status: 'no-adapter', target, reason, host: host() });
    console.log(`GPU check not run: the ${target} rung did not start (see above); wrote ${OUT}`);
    return 2;
  }
  console.log(
    `adapter: ${gpu.device}${gpu.fallbackReason ? ` (${gpu.fallbackReason})` : ''}${DRY_RUN ? '  [dry run: wasm stands in for webgpu]' : ''}`,
  );
  const cpu = await bestCpuRung();
  console.log(`cpu rung: ${cpu.name} (${cpu.device})`);

  const parity = await section('parity', () => parityChecks(target));
  const shapes = WITH_GPT2_SMALL ? [TINY, GPT2_SMALL] : [TINY];
  const trainSteps: unknown[] = [];
  for (const shape of shapes)
    trainSteps.push(await section(`train step ${shape.name}`, () => compareTrainStep(shape, target, cpu.choice)));
  const generation = await section('generation', () => compareGeneration(shapes, target, cpu.choice));
  const enginePaths = await section('engine paths', () => engineOwnPaths(target));

  const parityOk = Array.isArray(parity) && parity.every((p) => p.pass);
  const small = trainSteps.find((t) => (t as { shape?: string }).shape === 'gpt2-small') as
    { speedup?: number | null } | undefined;
  const results = {
    started,
    status: parityOk ? 'ok' : 'parity-failed',
    target,
    dryRun: DRY_RUN,
    adapter: gpu,
    cpuRung: cpu,
    host: host(),
    parity,
    trainSteps,
    generation,
    enginePaths,
    targets: {
      parityMaxAbsDiff: PARITY_LIMIT,
      gpt2SmallSpeedupVsCpu: small?.speedup ?? null,
      gpt2SmallSpeedupTarget: SPEEDUP_TARGET,
      gpt2SmallSpeedupMet: small?.speedup != null ? small.speedup >= SPEEDUP_TARGET : null,
    },
    webgpu: DRY_RUN ? null : webgpuDiagnostics(),
  };
  writeResults(results);
  console.log(`wrote ${OUT}`);
  console.log(parityOk ? 'parity: all within 1e-3' : 'parity: FAILED (see above)');
  return parityOk ? 0 : 1;
}

async function bestCpuRung(): Promise<BackendReport> {
  const candidates = ['native', 'tensorflow', 'wasm'].filter((c) =>
    (BACKEND_CHOICES as readonly string[]).includes(c),
  ) as BackendChoice[];
  const reasons: string[] = [];
  for (const choice of candidates) {
    try {
      return await initBackend(choice);
    } catch (err) {
      reasons.push(messageOf(err));
    }
  }
  throw new Error(`no CPU rung started: ${reasons.join('; ')}`);
}

// ---- parity ---------------------------------------------------------------------------------------------

const PARITY_FIXTURES = ['gpt2', 'bert', 'distilbert', 'vit'] as const;

async function logitsOn(rung: BackendChoice, fixture: string, exp: Record<string, any>): Promise<Float32Array> {
  await initBackend(rung);
  const model = await load(path.join(GOLDEN, fixture));
  try {
    const input =
      fixture === 'vit'
        ? tf.tensor(exp.inputs.pixelsNHWC.data, exp.inputs.pixelsNHWC.shape, 'float32')
        : exp.inputs.ids;
    const out = model.logits(input);
    const values = (await out.data()) as Float32Array;
    out.dispose();
    if (input instanceof tf.Tensor) input.dispose();
    return values;
  } finally {
    model.dispose();
  }
}

async function parityChecks(target: BackendChoice) {
  const rows = [];
  for (const fixture of PARITY_FIXTURES) {
    const exp = JSON.parse(fs.readFileSync(path.join(GOLDEN, fixture, 'expected.json'), 'utf8'));
    const reference = await logitsOn('cpu', fixture, exp);
    const got = await logitsOn(target, fixture, exp);
    const vsCpu = maxAbsDiff(got, reference);
    const vsTorch = maxAbsDiff(got, Float32Array.from(exp.logits.data as number[]));
    const row = {
      model: fixture,
      elements: got.length,
      maxAbsDiffVsCpu: vsCpu,
      maxAbsDiffVsTorch: vsTorch,
      pass: vsCpu <= PARITY_LIMIT && vsTorch <= PARITY_LIMIT,
    };
    console.log(
      `parity ${fixture.padEnd(10)} max|Δ| vs cpu ${vsCpu.toExponential(2)}, vs PyTorch ${vsTorch.toExponential(2)}  ${row.pass ? 'ok' : 'FAIL'}`,
    );
    rows.push(row);
  }
  return rows;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d; // NaN stays NaN: a failure
  }
  return worst;
}

// ---- train steps ------------------------------------------------------------------------------------------

function gptOf(shape: Shape, positions = shape.context): Model {
  return create(
    {
      model_type: 'gpt2',
      vocab_size: shape.vocab,
      n_positions: positions,
      n_embd: shape.width,
      n_head: shape.heads,
      n_layer: shape.layers,
      resid_pdrop: 0,
      embd_pdrop: 0,
      attn_pdrop: 0,
    },
    // Not seed 0: ParamStore hands the first parameter seed 0, which tfjs's randomNormal treats as "no seed".
    { seed: 7 },
  );
}

function idsOf(shape: Shape, seed: number): tf.Tensor2D {
  let s = seed >>> 0;
  const data = Int32Array.from({ length: shape.batch * shape.context }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % shape.vocab;
  });
  return tf.tensor2d(data, [shape.batch, shape.context], 'int32');
}

/** Mean token cross-entropy of logits [B, T, V] against targets [B, T]. */
function crossEntropy(logits: tf.Tensor, targets: tf.Tensor2D): tf.Scalar {
  const V = logits.shape[logits.shape.length - 1];
  const flat = tf.reshape(logits, [-1, V]) as tf.Tensor2D;
  const picked = tf.sum(tf.mul(tf.logSoftmax(flat), tf.oneHot(tf.reshape(targets, [-1]) as tf.Tensor1D, V)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Median ms of full AdamW steps (forward, loss, backward, update, loss read back), and the losses seen. */
async function timeTrainSteps(rung: BackendChoice, shape: Shape, steps: number, warmup: number) {
  const report = await initBackend(rung);
  const model = gptOf(shape);
  const opt = new AdamW({ lr: 1e-3, weightDecay: 0.01 });
  const ids = idsOf(shape, 1);
  const targets = idsOf(shape, 2);
  const vars = model.trainableVariables();
  const step = async () => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.logits(ids, { training: true }), targets), vars);
    opt.applyGradients(grads);
    tf.dispose(grads);
    const loss = (await value.data())[0];
    value.dispose();
    return loss;
  };
  const losses: number[] = [];
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) losses.push(await step());
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      losses.push(await step());
      times.push(performance.now() - t0);
    }
  } finally {
    opt.dispose();
    tf.dispose([ids, targets]);
    model.dispose();
  }
  return {
    backend: report.name,
    device: report.device,
    medianMs: round(median(times)),
    minMs: round(Math.min(...times)),
    steps,
    warmup,
    losses: losses.map(round4),
  };
}

async function compareTrainStep(shape: Shape, target: BackendChoice, cpu: BackendChoice) {
  const big = shape.name === 'gpt2-small';
  const params = paramCount(shape);
  const gpuRun = await timeTrainSteps(target, shape, QUICK ? 3 : big ? 5 : 10, 2);
  console.log(
    `train ${shape.name.padEnd(10)} (${(params / 1e6).toFixed(1)}M params, batch ${shape.batch}×${shape.context}): ${target} ${gpuRun.medianMs} ms/step, losses ${gpuRun.losses.join(' ')}`,
  );
  // The CPU side may run out of memory on the 124M shape (wasm has a 4 GiB heap); keep the GPU numbers then.
  const cpuRun = await section(`train step ${shape.name} on ${cpu}`, () =>
    timeTrainSteps(cpu, shape, QUICK || big ? 2 : 5, 1),
  );
  if ('error' in cpuRun)
    return {
      shape: shape.name,
      params,
      batch: shape.batch,
      context: shape.context,
      gpu: gpuRun,
      cpu: cpuRun,
      speedup: null,
    };
  const speedup = round(cpuRun.medianMs / gpuRun.medianMs);
  // Same seed, same data, same first step: the first losses must agree closely across rungs.
  const firstLossDiff = Math.abs(gpuRun.losses[0] - cpuRun.losses[0]);
  console.log(
    `train ${shape.name.padEnd(10)} ${cpuRun.backend} ${cpuRun.medianMs} ms/step → webgpu ${speedup}× faster; first loss ${gpuRun.losses[0]} vs ${cpuRun.losses[0]}`,
  );
  return {
    shape: shape.name,
    params,
    batch: shape.batch,
    context: shape.context,
    gpu: gpuRun,
    cpu: cpuRun,
    speedup,
    firstLossDiff: round4(firstLossDiff),
  };
}

function paramCount(s: Shape): number {
  const perLayer = 12 * s.width * s.width + 13 * s.width;
  return s.vocab * s.width + s.context * s.width + s.layers * perLayer + 2 * s.width;
}

// ---- generation -------------------------------------------------------------------------------------------

async function tokensPerSecond(rung: BackendChoice, shape: Shape, newTokens: number) {
  const report = await initBackend(rung);
  const model = gptOf(shape, Math.max(shape.context, 256));
  try {
    const prompt = Array.from({ length: 32 }, (_, i) => (i * 31) % shape.vocab);
    await model.generate(prompt.slice(0, 8), { maxNewTokens: 4, ignoreEos: true });
    const r = await model.generate(prompt, { maxNewTokens: newTokens, ignoreEos: true });
    return {
      backend: report.name,
      shape: shape.name,
      promptTokens: prompt.length,
      newTokens: r.ids.length,
      tokensPerSecond: round(r.timing.tokensPerSecond),
      prefillMs: round(r.timing.prefillMs),
      ids: r.ids.slice(0, 16),
    };
  } finally {
    model.dispose();
  }
}

async function compareGeneration(shapes: Shape[], target: BackendChoice, cpu: BackendChoice) {
  const rows = [];
  for (const shape of shapes) {
    const n = QUICK ? 16 : shape.name === 'gpt2-small' ? 32 : 64;
    const g = await tokensPerSecond(target, shape, n);
    const c = await tokensPerSecond(cpu, shape, n);
    const sameTokens = JSON.stringify(g.ids) === JSON.stringify(c.ids);
    console.log(
      `generate ${shape.name.padEnd(10)} ${target} ${g.tokensPerSecond} tok/s, ${c.backend} ${c.tokensPerSecond} tok/s; greedy tokens ${sameTokens ? 'identical' : 'DIFFER'}`,
    );
    rows.push({ shape: shape.name, gpu: g, cpu: c, greedyTokensIdentical: sameTokens });
  }
  return rows;
}

// ---- the engine's own loops on the GPU ------------------------------------------------------------------------

/** Whether train() and generate() run on the target as they are (train() reads the loss synchronously today). */
async function engineOwnPaths(target: BackendChoice) {
  await initBackend(target);
  const rows: Array<{ path: string; ok: boolean; error?: string; ms: number }> = [];
  const model = gptOf(TINY);
  const data = Array.from({ length: 8 }, (_, i) => ({
    inputIds: Array.from({ length: 32 }, (_, j) => (i * 7 + j * 3) % TINY.vocab),
  }));
  for (const [name, run] of [
    ['train() 2 steps', () => train(model, data, { maxSteps: 2, batchSize: 4, progress: false })],
    ['generate() 8 tokens', () => model.generate([1, 2, 3, 4], { maxNewTokens: 8, ignoreEos: true })],
  ] as const) {
    const t0 = performance.now();
    try {
      await run();
      rows.push({ path: name, ok: true, ms: round(performance.now() - t0) });
    } catch (err) {
      rows.push({ path: name, ok: false, error: messageOf(err).slice(0, 400), ms: round(performance.now() - t0) });
    }
    console.log(`engine ${name}: ${rows.at(-1)!.ok ? 'ok' : `failed: ${rows.at(-1)!.error}`}`);
  }
  model.dispose();
  return rows;
}

// ---- helpers -----------------------------------------------------------------------------------------------

async function section<T>(name: string, run: () => Promise<T>): Promise<Section<T>> {
  try {
    return await run();
  } catch (err) {
    const error = messageOf(err);
    console.log(`${name}: FAILED: ${error}`);
    return { error };
  }
}

function host() {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGiB: round(os.totalmem() / 2 ** 30),
  };
}

function writeResults(results: unknown): void {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
