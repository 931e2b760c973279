/** Results for cells that ended because the kernel process itself went away. */
import type { ErrorPayload, ExecuteCellResult } from '../protocol';

/** Why the client ended a kernel process on purpose. */
export type KillReason = 'interrupt' | 'restart' | 'dispose';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function failedCell(error: ErrorPayload, durationMs: number, interrupted = false): ExecuteCellResult {
  return interrupted ? { success: false, durationMs, error, interrupted } : { success: false, durationMs, error };
}

export function kernelDiedError(exit: ProcessExit, stderrTail: string): ErrorPayload {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
  const outOfMemory = /heap out of memory|Allocation failed/i.test(stderrTail);
  const message = outOfMemory
    ? `The kernel process ran out of memory and exited (${how}) while this cell ran; its state was lost. ` +
      'Use less memory (dispose tensors, smaller batches or models) and run the cell again to start a fresh kernel.'
    : `The kernel process exited (${how}) while this cell ran; its state was lost. Run the cell again to start a fresh kernel.`;
  const diagnostics = stderrTail.split('----- Native stack trace -----')[0].trim();
  return {
    name: 'KernelDiedError',
    message,
    stack: diagnostics
      ? `KernelDiedError: ${message}\nKernel stderr (last lines):\n${diagnostics}`
      : `KernelDiedError: ${message}`,
  };
}

export function killedError(reason: KillReason, graceMs: number): ErrorPayload {
  if (reason === 'interrupt') {
    const seconds = (graceMs / 1000).toFixed(1).replace(/\.0$/, '');
    return {
      name: 'KernelRestartedError',
      message:
        `The cell did not stop within ${seconds} s of the interrupt (it is probably running synchronous code that never awaits), ` +
        'so the kernel was restarted and its state was lost. Run the cells it depends on again.',
    };
  }
  return {
    name: 'KernelRestartedError',
    message: `The kernel was ${reason === 'restart' ? 'restarted' : 'shut down'} while this cell ran; its state was lost.`,
  };
}
