/**
 * The helpers rewritten cell code calls (as `__tunebook.*`, see rewrite.ts): awaits that an interrupt
 * ends, and module loading.
 */
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InterruptedError } from './interruptedError';
import type { ModuleLoader } from './modules';

export interface CellRuntime {
  race<T>(value: T): T | Promise<Awaited<T>>;
  import(specifier: string): Promise<unknown>;
  readonly importMeta: { url: string; dirname: string };
}

export function createCellRuntime(
  loader: ModuleLoader,
  currentSignal: () => AbortSignal | undefined,
  notebookDir: () => string,
): CellRuntime {
  return {
    race: (value) => raceSignal(value, currentSignal()),
    import: (specifier) => loader.import(specifier),
    get importMeta() {
      const dir = notebookDir();
      return { url: pathToFileURL(join(dir, 'notebook.ftnb')).href, dirname: dir };
    },
  };
}

/** A signal whose abort listeners never warn: every pending await of a cell listens on it. */
export function newCellController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * `await X` in a cell becomes `await race(X)`: X itself, unless the signal aborts first, in which case
 * the await rejects with InterruptedError at once. Non-promises pass through without allocation.
 */
export function raceSignal<T>(value: T, signal: AbortSignal | undefined): T | Promise<Awaited<T>> {
  if (!signal) return value;
  if (signal.aborted) throw new InterruptedError();
  if (!isThenable(value)) return value;
  return new Promise<Awaited<T>>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value).then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result as Awaited<T>);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
