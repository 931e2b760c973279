/**
 * `npm run bench:scale`: issue 10's table, produced by the project. Real model shapes (random init) —
 * GPT-2 small (124 M, batch 2 × 128, full and LoRA r=8 on c_attn), DistilBERT-base (66 M, 2-label sequence
 * classification, batch 8 × 128) and ViT-Base (86 M, batch 8 at 224², 16² patches, 10 classes) — trained one
 * AdamW step at a time on every rung that starts here, each beside the same step in PyTorch
 * (bench/torch_scale.py on /usr/bin/python3 with Debian's python3-torch, installed here when missing).
 * Every configuration runs in a fresh child process, so the peak RSS (VmHWM) is its own. Step time is the
 * median of the measured steps after warm-up. A configuration that the memory estimate refuses, that fails or
 * that times out is recorded with the reason, and the bench goes on.
 *
 * Options:
 *   --tiny                shrink every shape (structure kept) for development; seconds in all
 *   --only a,b            configurations: gpt2-full, gpt2-lora, distilbert-full, vit-full
 *   --rungs a,b           rungs to try (default: wasm, native; plus cpu with --tiny; cpu at full size takes
 *                         minutes per step, so it runs only when named)
 *   --steps N, --warmup N measured and warm-up steps (default 3 and 1; --tiny 3 and 1)
 *   --no-torch            skip PyTorch;  --no-refuse  attempt runs the memory estimate refuses
 *   --out NAME            write bench/results/NAME.json / .md instead (for partial reruns)
 * Writes bench/results/scale.json and bench/results/scale.md (with --tiny: scale-tiny.*), prints the table.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCALE_CONFIG_NAMES, scaleConfigs, type ScaleConfig, type ScaleConfigName } from './scaleConfigs';

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = path.join(__dirname, 'torch_scale.py');
const STEP_SCRIPT = path.join(__dirname, 'scaleStep.ts');

interface Args {
  tiny: boolean;
  only: ScaleConfigName[];
  rungs: string[];
  steps: number;
  warmup: number;
  torch: boolean;
  refuse: boolean;
  out?: string;
}

type RunResult = Record<string, unknown> & {
  status: 'ok' | 'failed' | 'refused' | 'skipped';
  error?: string;
  stepMsMedian?: number;
  peakRssMb?: number;
};

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const tiny = argv.includes('--tiny');
  const only = (value('--only')?.split(',') ?? [...SCALE_CONFIG_NAMES]) as ScaleConfigName[];
  for (const name of only)
    if (!SCALE_CONFIG_NAMES.includes(name))
      throw new Error(`--only: unknown configuration "${name}"; use ${SCALE_CONFIG_NAMES.join(', ')}`);
  const rungs = value('--rungs')?.split(',') ?? (tiny ? ['wasm', 'native', 'cpu'] : ['wasm', 'native']);
  const count = (flag: string, fallback: number) => {
    const n = Number(value(flag) ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer`);
    return n;
  };
  return {
    tiny,
    only,
    rungs,
    steps: Math.max(1, count('--steps', 3)),
    warmup: count('--warmup', 1),
    torch: !argv.includes('--no-torch'),
    refuse: !argv.includes('--no-refuse'),
    out: value('--out'),
  };
}

function lastJsonLine(text: string | null | undefined): Record<string, unknown> | undefined {
  const line = (text ?? '')
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function failure(r: ReturnType<typeof spawnSync>, what: string, timeoutMs: number): RunResult {
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return { status: 'failed', error: `${what} timed out after ${Math.round(timeoutMs / 1000)} s` };
  const stderr = String(r.stderr ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  const signal = r.signal ? ` (killed by ${r.signal}${r.signal === 'SIGKILL' ? ', likely out of memory' : ''})` : '';
  return { status: 'failed', error: `${what} exited ${r.status ?? ''}${signal}: ${stderr.at(-1) ?? 'no output'}` };
}

/** Starts the rung in a child: a rung that cannot start is skipped once with the backend's reason. */
function probeRung(rung: string): { ok: true; device: string } | { ok: false; reason: string } {
  const code =
    "require('./kernel/engine/backends/ladder').initBackend().then((r)=>{console.log(JSON.stringify(r));process.exit(0)},(e)=>{console.log(JSON.stringify({error:String(e.message).split('\\n')[0]}));process.exit(0)})";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TUNEBOOK_BACKEND: rung },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = lastJsonLine(r.stdout);
  if (!out) return { ok: false, reason: failure(r, `starting ${rung}`, 120_000).error! };
  if (typeof out.error === 'string') return { ok: false, reason: out.error };
  if (out.name !== rung) return { ok: false, reason: `TUNEBOOK_BACKEND=${rung} started ${String(out.name)}` };
  return { ok: true, device: String(out.device) };
}

function runTunebook(config: ScaleConfig, rung: string, args: Args): RunResult {
  const request = JSON.stringify({ config, warmup: args.warmup, steps: args.steps, refuse: args.refuse });
  const r = spawnSync(process.execPath, ['--import', 'tsx', STEP_SCRIPT, request], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TUNEBOOK_BACKEND: rung },
    encoding: 'utf8',
    timeout: config.timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  return (lastJsonLine(r.stdout) as RunResult | undefined) ?? failure(r, `the ${rung} run`, config.timeoutMs);
}

function torchAvailable(): { ok: true; version: string } | { ok: false; reason: string } {
  if (!fs.existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  const check = () => spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  let r = check();
  if (r.status !== 0 && process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    console.log('installing python3-torch (Debian) for the PyTorch side …');
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-torch'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    r = check();
  }
  if (r.status !== 0)
    return { ok: false, reason: `torch is not importable by ${PYTHON} (apt-get install python3-torch)` };
  return { ok: true, version: r.stdout.trim() };
}

function runTorch(config: ScaleConfig, args: Args): RunResult {
  const threads = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(
    PYTHON,
    [TORCH_SCRIPT, JSON.stringify({ config: config.torch, warmup: args.warmup, steps: args.steps })],
    { env, encoding: 'utf8', timeout: config.timeoutMs },
  );
  return (lastJsonLine(r.stdout) as RunResult | undefined) ?? failure(r, 'the torch run', config.timeoutMs);
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function throughput(config: ScaleConfig, ms: number | undefined): number | null {
  if (ms === undefined) return null;
  const perStep = config.unit === 'tokens' ? config.batchSize * config.sequenceLength : config.batchSize;
  return round(perStep / (ms / 1000), 1);
}

interface Row {
  config: ScaleConfigName;
  label: string;
  rung: string;
  unit: string;
  tunebook: RunResult;
  torch: RunResult;
  timeRatio: number | null;
  rssRatio: number | null;
  tunebookThroughput: number | null;
  torchThroughput: number | null;
}

function cell(r: RunResult): string {
  if (r.status === 'ok')
    return `${Math.round(r.stepMsMedian!).toLocaleString('en-US')} ms, ${Math.round(r.peakRssMb!).toLocaleString('en-US')} MiB`;
  if (r.status === 'refused')
    return `**refused up front** (estimate ${String(r.estimateMb)} MiB > limit ${String(r.limitMb)} MiB)`;
  return `**${r.status}**: ${String(r.error ?? '').replace(/\|/g, '\\|')}`;
}

function markdown(rows: Row[], meta: Record<string, unknown>): string {
  const lines = [
    `| configuration | rung | Tunebook (step, peak RSS) | PyTorch CPU | time ratio | RSS ratio | Tunebook / PyTorch throughput | estimate |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  const skippedRungs = new Set<string>();
  for (const r of rows) {
    if (r.tunebook.status === 'skipped') {
      if (!skippedRungs.has(r.rung))
        lines.push(
          `| all | ${r.rung} | **skipped**: ${String(r.tunebook.error ?? '').replace(/\|/g, '\\|')} | | | | | |`,
        );
      skippedRungs.add(r.rung);
      continue;
    }
    const tp =
      r.tunebookThroughput === null ? '—' : `${r.tunebookThroughput} / ${r.torchThroughput ?? '—'} ${r.unit}/s`;
    const est =
      typeof r.tunebook.estimateMb === 'number' ? `${r.tunebook.estimateMb.toLocaleString('en-US')} MiB` : '—';
    lines.push(
      `| ${r.label} | ${r.rung} | ${cell(r.tunebook)} | ${cell(r.torch)} | ${r.timeRatio ?? '—'}${r.timeRatio === null ? '' : '×'} | ${r.rssRatio ?? '—'}${r.rssRatio === null ? '' : '×'} | ${tp} | ${est} |`,
    );
  }
  lines.push(
    '',
    `Machine: ${String(meta.cpus)} CPUs (${String(meta.cpuModel)}), load average ${JSON.stringify(meta.loadAverageBefore)} before, ${JSON.stringify(meta.loadAverageAfter)} after; ${String(meta.date)}.`,
  );
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const meta: Record<string, unknown> = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    nproc: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    loadAverageBefore: os.loadavg().map((x) => round(x)),
    tiny: args.tiny,
    steps: args.steps,
    warmup: args.warmup,
  };
  const configs = scaleConfigs(args.tiny).filter((c) => args.only.includes(c.name));
  const torch = args.torch ? torchAvailable() : ({ ok: false, reason: 'disabled with --no-torch' } as const);
  meta.torch = torch.ok ? torch.version : torch.reason;
  const torchResults = new Map<ScaleConfigName, RunResult>();
  for (const c of configs) {
    if (!torch.ok) {
      torchResults.set(c.name, { status: 'skipped', error: torch.reason });
      continue;
    }
    console.log(`torch  ${c.name} …`);
    torchResults.set(c.name, runTorch(c, args));
  }
  const rungs: Record<string, string> = {};
  const rows: Row[] = [];
  for (const rung of args.rungs) {
    const probe = probeRung(rung);
    rungs[rung] = probe.ok ? probe.device : `skipped: ${probe.reason}`;
    for (const c of configs) {
      let tunebook: RunResult;
      if (!probe.ok) tunebook = { status: 'skipped', error: probe.reason };
      else {
        console.log(`${rung.padEnd(6)} ${c.name} …`);
        tunebook = runTunebook(c, rung, args);
      }
      const t = torchResults.get(c.name)!;
      const both = tunebook.status === 'ok' && t.status === 'ok';
      rows.push({
        config: c.name,
        label: c.label,
        rung,
        unit: c.unit,
        tunebook,
        torch: t,
        timeRatio: both ? round(tunebook.stepMsMedian! / t.stepMsMedian!) : null,
        rssRatio: both ? round(tunebook.peakRssMb! / t.peakRssMb!) : null,
        tunebookThroughput: tunebook.status === 'ok' ? throughput(c, tunebook.stepMsMedian) : null,
        torchThroughput: t.status === 'ok' ? throughput(c, t.stepMsMedian) : null,
      });
    }
  }
  meta.loadAverageAfter = os.loadavg().map((x) => round(x));
  meta.wallSeconds = Math.round((Date.now() - started) / 1000);
  meta.rungs = rungs;
  const table = markdown(rows, meta);
  console.log(`\n${table}`);
  const stem = args.out ?? (args.tiny ? 'scale-tiny' : 'scale');
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${stem}.json`);
  fs.writeFileSync(
    `${json}.tmp`,
    JSON.stringify(
      {
        machine: meta,
        configs: configs.map(({ name, label, batchSize, sequenceLength, unit }) => ({
          name,
          label,
          batchSize,
          sequenceLength,
          unit,
        })),
        rows,
      },
      null,
      2,
    ) + '\n',
  );
  fs.renameSync(`${json}.tmp`, json);
  fs.writeFileSync(path.join(dir, `${stem}.md`), table);
  console.log(`wrote ${path.relative(process.cwd(), json)} and ${stem}.md (${meta.wallSeconds} s)`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
