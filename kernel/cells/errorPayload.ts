/** A thrown value -> the `{ name, message, stack }` of an error output, without the kernel's own frames. */
import { inspect } from 'node:util';
import type { ErrorPayload } from '../protocol';

/**
 * @param internalPaths path prefixes of the kernel's own code; stack frames in them are dropped so the
 *   stack starts at the cell (frames of the engine and of packages stay).
 */
export function errorPayload(thrown: unknown, internalPaths: readonly string[]): ErrorPayload {
  if (!(thrown instanceof Error)) {
    const shown = typeof thrown === 'string' ? thrown : inspect(thrown, { depth: 2, colors: false });
    return { name: 'Error', message: `Uncaught ${shown}` };
  }
  const name = thrown.name || 'Error';
  const stack = typeof thrown.stack === 'string' ? cleanStack(thrown.stack, internalPaths) : undefined;
  return stack ? { name, message: thrown.message, stack } : { name, message: thrown.message };
}

const FRAME = /^\s+at /;

function cleanStack(stack: string, internalPaths: readonly string[]): string {
  const lines = stack.split('\n');
  const kept = lines.filter(
    (line) =>
      !FRAME.test(line) ||
      !(internalPaths.some((p) => line.includes(p)) || line.includes('node:internal/process/task_queues')),
  );
  return kept.join('\n');
}
