/**
 * Chooses the compute backend, best first:
 *   tensorflow-gpu  `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA)
 *   webgpu          `@tensorflow/tfjs-backend-webgpu` on Dawn (`webgpu`), hardware adapters only under auto
 *   tensorflow      `@tensorflow/tfjs-node` (libtensorflow on the CPU)
 *   native          our OpenBLAS Node-API addon under tfjs-backend-cpu (backends/native/), built by npm run build
 *   wasm            `@tensorflow/tfjs-backend-wasm` with our fast kernels, threaded where possible
 *   cpu             `@tensorflow/tfjs-backend-cpu` (plain JavaScript)
 * The two native packages are optional (their install downloads libtensorflow): they are required at run
 * time and skipped, with the reason recorded, when absent or broken.
 *
 * `TUNEBOOK_BACKEND` picks the choice ('auto' when unset). Forcing a backend that cannot start is an error.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as os from 'node:os';
import { BackendError } from './backendError';
import { startWasmBackend, wantedThreads } from './wasm/wasmLoader';
import { passWebgpuPreflight } from './webgpu/preflight';
import { startWebgpuBackend } from './webgpu/startWebgpu';
import { WebGpuUnavailableError } from './webgpu/webgpuError';
import { startNativeRung } from './native/rung';

// Registers the cpu backend. A require, not a bare import: the package marks itself side-effect free, so
// bundlers would drop `import '@tensorflow/tfjs-backend-cpu'`.
require('@tensorflow/tfjs-backend-cpu');

import { BACKEND_CHOICES, isBackendChoice, type BackendChoice } from '../../protocol/base';

export { BACKEND_CHOICES, type BackendChoice };
type Rung = Exclude<BackendChoice, 'auto'>;
const LADDER: readonly Rung[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu'];

export interface BackendReport {
  /** tfjs backend name: 'webgpu', 'tensorflow', 'native', 'wasm' or 'cpu'. */
  readonly name: string;
  /** What computes, in words, e.g. "CPU, WebAssembly SIMD, 2 threads". */
  readonly device: string;
  readonly threads: number;
  readonly simd: boolean;
  /** Why each better rung was skipped (and any degradation inside the chosen one), or null. */
  readonly fallbackReason: string | null;
  /** What was asked for. */
  readonly choice: BackendChoice;
}

/** A rung that cannot start; `reason` completes "skipped because …". */
class RungUnavailable extends Error {}

let current: BackendReport | undefined;
let pending: Promise<BackendReport> | undefined;

/** Reads TUNEBOOK_BACKEND; unset or empty means 'auto'. */
export function backendChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): BackendChoice {
  const raw = (env.TUNEBOOK_BACKEND ?? '').trim();
  if (raw === '') return 'auto';
  if (isBackendChoice(raw)) return raw;
  throw new BackendError(
    `TUNEBOOK_BACKEND="${raw}" is not a backend; use one of ${BACKEND_CHOICES.join(', ')} (set by the tunebook.backend setting or --backend).`,
  );
}

/** Starts the backend for `choice` (switching if another one is active) and reports what runs. */
export async function initBackend(choice: BackendChoice = backendChoiceFromEnv()): Promise<BackendReport> {
  if (!isBackendChoice(choice)) {
    throw new BackendError(`"${String(choice)}" is not a backend; use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  if (current?.choice === choice) return current;
  const run = (pending ?? Promise.resolve(current)).catch(() => undefined).then(() => climb(choice));
  pending = run;
  try {
    current = await run;
    return current;
  } finally {
    if (pending === run) pending = undefined;
  }
}

/** The backend for TUNEBOOK_BACKEND, started on first call; what `load()` and `create()` await. */
export function ensureBackend(): Promise<BackendReport> {
  if (current) return Promise.resolve(current);
  return pending ?? initBackend(backendChoiceFromEnv());
}

/** What runs now. Throws if no backend was started yet (await `ensureBackend()` or `initBackend()`). */
export function backend(): BackendReport {
  if (!current) {
    throw new BackendError(
      'No compute backend is started yet: await initBackend() (or load()/create(), which start one) first.',
    );
  }
  return current;
}

async function climb(choice: BackendChoice): Promise<BackendReport> {
  const rungs = choice === 'auto' ? LADDER : [choice];
  const skipped: string[] = [];
  for (const rung of rungs) {
    try {
      const started = await startRung(rung, choice !== 'auto');
      const reasons = [...skipped, ...(started.note ? [started.note] : [])];
      return { ...started.report, choice, fallbackReason: reasons.length > 0 ? reasons.join('; ') : null };
    } catch (err) {
      const reason = err instanceof RungUnavailable ? err.message : `${rung} failed to start: ${messageOf(err)}`;
      if (choice !== 'auto') {
        throw new BackendError(
          `The ${rung} backend was requested but cannot start: ${reason}. Install it or choose another backend (${BACKEND_CHOICES.join(', ')}).`,
        );
      }
      skipped.push(reason);
    }
  }
  throw new BackendError(`No backend could start: ${skipped.join('; ')}`);
}

type Started = { report: Omit<BackendReport, 'choice' | 'fallbackReason'>; note: string | null };

async function startRung(rung: Rung, forced: boolean): Promise<Started> {
  switch (rung) {
    case 'tensorflow-gpu':
      return startNative('@tensorflow/tfjs-node-gpu', 'GPU (CUDA, libtensorflow)');
    case 'webgpu':
      // auto asks a child process first: Dawn in-process prints to stderr and is slow where no GPU is.
      return (forced ? Promise.resolve() : passWebgpuPreflight())
        .then(() => startWebgpuBackend({ forced }))
        .catch((err: unknown) => {
          throw err instanceof WebGpuUnavailableError ? new RungUnavailable(`webgpu: ${err.message}`) : err;
        });
    case 'tensorflow':
      return startNative('@tensorflow/tfjs-node', 'CPU (libtensorflow)');
    case 'native':
      return startNativeRung(wantedThreads(), (reason) => new RungUnavailable(reason));
    case 'wasm': {
      const started = await startWasmBackend(wantedThreads());
      const device = `CPU, WebAssembly${started.simd ? ' SIMD' : ''}, ${started.threads} thread${started.threads === 1 ? '' : 's'}`;
      return { report: { name: 'wasm', device, threads: started.threads, simd: started.simd }, note: started.note };
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new RungUnavailable('tfjs could not activate the cpu backend');
      // tfjs-backend-cpu prints an install-tfjs-node banner on first use; the fallback reason already says it.
      (tf.findBackend('cpu') as { firstUse?: boolean } | null)!.firstUse = false;
      return { report: { name: 'cpu', device: 'CPU, JavaScript, 1 thread', threads: 1, simd: false }, note: null };
  }
}

async function startNative(packageName: string, device: string): Promise<Started> {
  try {
    // Not a dependency: resolved at run time only (esbuild keeps it external).
    require(packageName);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && messageOf(err).includes(`'${packageName}'`)) {
      throw new RungUnavailable(`${packageName} is not installed`);
    }
    throw new RungUnavailable(`${packageName} is installed but failed to load (${firstLine(messageOf(err))})`);
  }
  if (tf.findBackendFactory('tensorflow') == null || !(await tf.setBackend('tensorflow'))) {
    throw new RungUnavailable(`${packageName} loaded but its tensorflow backend did not start`);
  }
  const threads = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return { report: { name: 'tensorflow', device, threads, simd: true }, note: null };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
