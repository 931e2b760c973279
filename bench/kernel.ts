/**
 * Kernel speed: cold start (spawn -> initialize answered) and the round trip of an empty cell
 * (client -> kernel -> result), through the real client and dist/kernel.js.
 * Run with `npm run bench:kernel` (builds first). Targets: round trip <= 2 ms, cold start <= 1.5 s.
 * Writes bench/results/kernel.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../kernel/client';

const root = join(__dirname, '..');
const kernelScript = join(root, 'dist', 'kernel.js');
const COLD_STARTS = 7;
const WARMUP_CELLS = 200;
const TIMED_CELLS = 2000;
const TARGETS = { roundTripMsMedian: 2, coldStartMs: 1500 };

const silent = { onStream: () => undefined, onDisplay: () => undefined };

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

async function coldStarts(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const started = performance.now();
    const client = await KernelClient.start({ kernelScript, notebookDir: tmpdir(), backend: 'cpu' });
    times.push(performance.now() - started);
    await client.dispose();
  }
  return times;
}

async function roundTrips(): Promise<number[]> {
  const client = await KernelClient.start({ kernelScript, notebookDir: tmpdir(), backend: 'cpu' });
  try {
    for (let i = 0; i < WARMUP_CELLS; i++) await client.execute({ code: '', cellName: 'bench' }, silent);
    const times: number[] = [];
    for (let i = 0; i < TIMED_CELLS; i++) {
      const started = performance.now();
      const result = await client.execute({ code: '', cellName: 'bench' }, silent);
      times.push(performance.now() - started);
      if (!result.success) throw new Error(`empty cell failed: ${JSON.stringify(result.error)}`);
    }
    return times;
  } finally {
    await client.dispose();
  }
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const cold = (await coldStarts()).sort((a, b) => a - b);
  const trips = (await roundTrips()).sort((a, b) => a - b);
  const results = {
    roundTripMsMedian: round(quantile(trips, 0.5)),
    roundTripMsP90: round(quantile(trips, 0.9)),
    roundTripIterations: TIMED_CELLS,
    coldStartMs: round(quantile(cold, 0.5)),
    coldStartMsMin: round(cold[0]),
    coldStartRuns: COLD_STARTS,
    targets: TARGETS,
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage1m: round(load),
    },
    measuredAt: new Date().toISOString(),
  };
  const rows: Array<[string, number, string]> = [
    ['round trip, empty cell (median)', results.roundTripMsMedian, `≤ ${TARGETS.roundTripMsMedian} ms`],
    ['round trip, empty cell (p90)', results.roundTripMsP90, ''],
    ['cold start: spawn → initialized (median)', results.coldStartMs, `≤ ${TARGETS.coldStartMs} ms`],
    ['cold start (best)', results.coldStartMsMin, ''],
  ];
  console.log(`${'measure'.padEnd(42)}${'ms'.padStart(10)}  target`);
  for (const [name, value, target] of rows)
    console.log(`${name.padEnd(42)}${value.toFixed(3).padStart(10)}  ${target}`);
  console.log(`(load average ${results.machine.loadAverage1m} on ${results.machine.cpus} CPUs when started)`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'kernel.json'), `${JSON.stringify(results, null, 2)}\n`);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
