/**
 * Stopping a running job: the kernel's interrupt (the running cell's abort signal) or the caller's
 * `options.signal`, whichever comes first. Every long engine job checks here between steps and yields to the
 * event loop so that the interrupt notification can arrive.
 */
import { currentSignal } from '../runtime/kernelBridge';
import { TrainingStoppedError } from './trainingStoppedError';

/** The first aborted signal among `signal` and the kernel's, or undefined while neither is aborted. */
function abortedSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (signal?.aborted === true) return signal;
  const kernel = currentSignal();
  return kernel?.aborted === true ? kernel : undefined;
}

/** True when the kernel interrupted the running cell or `signal` is aborted. */
export function stopRequested(signal?: AbortSignal): boolean {
  return abortedSignal(signal) !== undefined;
}

/** Throws the abort reason (the kernel's interrupt, or `signal`'s reason) when a stop was requested. */
export function throwIfStopped(signal?: AbortSignal, what = 'the job'): void {
  const aborted = abortedSignal(signal);
  if (aborted) throw aborted.reason ?? new TrainingStoppedError(what);
}

/** Lets the event loop run once (the kernel's interrupt notification arrives there). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `nextTurn()`, then `throwIfStopped(signal)`. */
export async function yieldAndCheck(signal?: AbortSignal, what?: string): Promise<void> {
  await nextTurn();
  throwIfStopped(signal, what);
}
