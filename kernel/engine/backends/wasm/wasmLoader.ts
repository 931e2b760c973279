/**
 * Starts tfjs's WebAssembly backend ourselves instead of through `@tensorflow/tfjs-backend-wasm`'s own loader.
 *
 * Why: under Node the stock loader never uses threads (it reports no thread support, and its pthread worker
 * would be a `blob:` URL, which `worker_threads` refuses). We hand Emscripten real files instead: the pthread
 * worker script and the module's main script are written once into a cache folder, and workers load them by
 * path. XNNPACK's thread pool is sized by the C++ side from `os.cpus().length / 2` at start-up, so while the
 * module starts we report enough CPUs for the thread count we want.
 *
 * Order of attempts: threaded SIMD build, SIMD build, plain build. Each failure is recorded as a note.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels } from './install';

const PLAIN_BINARY = 'tfjs-backend-wasm.wasm';
const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';
const THREADED_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';
/** tfjs's C++ side never builds a pool larger than this. */
const MAX_THREADS = 8;

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  [key: string]: unknown;
}
type EmscriptenFactory = ((config: Record<string, unknown>) => Promise<EmscriptenModule>) & { toString(): string };

export interface WasmStartResult {
  readonly threads: number;
  readonly simd: boolean;
  /** Why fewer threads (or no SIMD) than asked for, or null. */
  readonly note: string | null;
}

/** Folder holding the three .wasm binaries: dist/wasm/ beside a bundled engine, else the npm package. */
export function wasmBinaryDir(): string {
  const besideBundle = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(besideBundle, SIMD_BINARY))) return besideBundle;
  // createRequire keeps bundlers from trying to resolve this at build time (only reached when running from source).
  return path.join(
    path.dirname(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'dist',
  );
}

/** Threads wanted: TUNEBOOK_THREADS, else every logical CPU (as PyTorch does), capped at tfjs's maximum. */
export function wantedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TUNEBOOK_THREADS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`TUNEBOOK_THREADS must be a positive integer, got "${raw}"`);
    }
    return Math.min(n, MAX_THREADS);
  }
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cpus, MAX_THREADS));
}

/**
 * Registers and activates tfjs's `wasm` backend with our kernels installed. Resolves with what it got;
 * rejects only if no build at all could start.
 */
let started: WasmStartResult | undefined;

export async function startWasmBackend(threads: number): Promise<WasmStartResult> {
  // One wasm module per process: switching back to wasm reuses it (its threads and heap stay up).
  if (started && tf.findBackend('wasm') != null && (await tf.setBackend('wasm'))) return started;
  started = await startFresh(threads);
  return started;
}

async function startFresh(threads: number): Promise<WasmStartResult> {
  // Importing the package registers its kernels for 'wasm' and a 'wasm' backend factory we replace below.
  const wasmPackage = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  installWasmKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const notes: string[] = [];
  const attempts: Array<{ threads: number; start: () => Promise<EmscriptenModule> }> = [];
  if (threads > 1 && simd && typeof SharedArrayBuffer === 'function') {
    attempts.push({ threads, start: () => startThreadedModule(threads) });
  } else if (threads > 1) {
    notes.push(
      simd
        ? 'SharedArrayBuffer is unavailable, so wasm runs single-threaded'
        : 'this runtime lacks wasm SIMD, so wasm runs single-threaded',
    );
  }
  attempts.push({ threads: 1, start: () => startSingleThreadModule(simd) });

  for (const attempt of attempts) {
    let module: EmscriptenModule;
    try {
      module = await withoutEmscriptenProcessHandlers(attempt.start);
    } catch (err) {
      notes.push(
        `the ${attempt.threads > 1 ? 'threaded SIMD' : simd ? 'SIMD' : 'plain'} wasm build failed to start: ${messageOf(err)}`,
      );
      continue;
    }
    attachTfjsBridge(module);
    wasmPackage.setThreadsCount(attempt.threads);
    const instance: BackendWasm = new wasmPackage.BackendWasm(module as never);
    letProcessExitDespiteThreads(module);
    if (tf.findBackendFactory('wasm') != null) tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => instance, 2);
    if (!(await tf.setBackend('wasm'))) {
      notes.push('tfjs could not activate the wasm backend');
      continue;
    }
    const actual = wasmPackage.getThreadsCount();
    if (actual < threads && attempt.threads > 1) notes.push(`XNNPACK started ${actual} of ${threads} threads`);
    return { threads: actual, simd, note: notes.length > 0 ? notes.join('; ') : null };
  }
  throw new Error(notes.join('; '));
}

function startSingleThreadModule(simd: boolean): Promise<EmscriptenModule> {
  const factory = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js') as EmscriptenFactory;
  const binary = path.join(wasmBinaryDir(), simd ? SIMD_BINARY : PLAIN_BINARY);
  return factory({ locateFile: (file: string) => (file.endsWith('.wasm') ? binary : file) });
}

async function startThreadedModule(threads: number): Promise<EmscriptenModule> {
  const stockFactory =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js') as EmscriptenFactory;
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  const binary = path.join(wasmBinaryDir(), THREADED_BINARY);
  const source = withWorkerPoolSize(stockFactory.toString(), threads - 1);
  const { mainScript, workerScript } = writeThreadScripts(source ?? stockFactory.toString(), wasmWorkerContents);
  const factory = source ? compileFactory(source, mainScript) : stockFactory;
  // The C++ side sizes its pool as cpus/2 while the module's constructors run, i.e. until the factory resolves.
  // Patch the module object Emscripten's glue itself requires (an `import * as` namespace is read-only).
  const osModule = require('node:os') as { cpus: typeof os.cpus };
  const realCpus = osModule.cpus;
  osModule.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: Math.max(cpus.length, 2 * threads) }, (_, i) => cpus[i % cpus.length]);
  };
  try {
    return await factory({
      locateFile: (file: string) =>
        file.endsWith('.worker.js') ? workerScript : file.endsWith('.wasm') ? binary : file,
      mainScriptUrlOrBlob: mainScript,
    });
  } finally {
    osModule.cpus = realCpus;
  }
}

/**
 * The glue pre-starts 8 pthread workers (~17 MB each) whatever the pool size; XNNPACK uses threads − 1.
 * Returns the factory source with that many, or undefined if the glue no longer has the expected line.
 */
function withWorkerPoolSize(factorySource: string, workers: number): string | undefined {
  const pattern = /var pthreadPoolSize=8;/;
  return pattern.test(factorySource)
    ? factorySource.replace(pattern, `var pthreadPoolSize=${Math.max(1, workers)};`)
    : undefined;
}

/** Evaluates factory source as its own module file would, with Node's require and file names. */
function compileFactory(source: string, scriptPath: string): EmscriptenFactory {
  const wrapper = vm.runInThisContext(
    `(function (require, __filename, __dirname) { var _scriptDir = __filename; return (${source}); })`,
    { filename: scriptPath },
  ) as (req: NodeRequire, filename: string, dirname: string) => EmscriptenFactory;
  return wrapper(createRequire(scriptPath), scriptPath, path.dirname(scriptPath));
}

/** Writes (once per content) the scripts each pthread worker loads by path. */
function writeThreadScripts(factorySource: string, workerSource: string): { mainScript: string; workerScript: string } {
  // The worker source came from a template literal whose `\n` escapes became real newlines inside strings.
  const worker = workerSource.replace(/\n/g, '\\n');
  const main = `var WasmBackendModuleThreadedSimd = ${factorySource};\n`;
  const key = fnv1a(main + worker);
  const dir = path.join(os.tmpdir(), `tunebook-wasm-threads-${key}`);
  const mainScript = path.join(dir, 'main.js');
  const workerScript = path.join(dir, 'worker.js');
  if (!fs.existsSync(mainScript) || !fs.existsSync(workerScript)) {
    fs.mkdirSync(dir, { recursive: true });
    writeAtomically(mainScript, main);
    writeAtomically(workerScript, worker);
  }
  return { mainScript, workerScript };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

/**
 * XNNPACK's pool threads are started with the backend and wait for work forever; Emscripten keeps their
 * workers referenced while they run, which would keep Node alive after the program is done.
 */
function letProcessExitDespiteThreads(module: EmscriptenModule): void {
  const pthreads = module.PThread as
    { runningWorkers?: Array<{ unref?: () => void }>; unusedWorkers?: Array<{ unref?: () => void }> } | undefined;
  for (const worker of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) worker.unref?.();
}

/** The same C entry points tfjs's own loader wraps. */
function attachTfjsBridge(module: EmscriptenModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/**
 * Emscripten's Node glue adds process-wide `uncaughtException`/`unhandledRejection` listeners that rethrow,
 * which would turn any error the kernel means to survive into a crash. Remove whatever it added.
 */
async function withoutEmscriptenProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const listeners = (event: string) =>
    process.listeners(event as 'uncaughtException') as Array<(...args: unknown[]) => void>;
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  try {
    return await start();
  } finally {
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
