/**
 * `TUNEBOOK_KERNEL_INSPECT` opens the kernel process to a debugger: a port (`9230`) gives `--inspect=9230`,
 * `brk:9230` gives `--inspect-brk=9230` (the kernel waits for the debugger before its first line, so attach
 * within the start timeout). Unset or empty: no flag.
 */
import { KernelStartError } from './kernelStartError';

export const KERNEL_INSPECT_ENV = 'TUNEBOOK_KERNEL_INSPECT';

export function kernelInspectArgs(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const match = /^(brk:)?(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new KernelStartError(
      `${KERNEL_INSPECT_ENV} must be a port (9230) or brk:<port> (brk:9230), got ${JSON.stringify(value)}.`,
    );
  }
  return [`--inspect${match[1] ? '-brk' : ''}=${port}`];
}
