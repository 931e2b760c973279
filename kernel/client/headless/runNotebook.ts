/**
 * Runs a notebook's code cells in order through a kernel client, collecting their outputs and execution
 * records into a new notebook (cells that were not run keep what they had).
 */
import type { ExecuteCellResult, OutputItem } from '../../protocol';
import type { FtnbCell, FtnbNotebook } from '../../format/ftnb';
import type { KernelClient } from '../kernelClient';
import { OutputCollector } from './outputCollector';

export interface RunReporter {
  cellStarted(cellIndex: number, cell: FtnbCell): void;
  stream(stream: 'stdout' | 'stderr', text: string): void;
  display(outputId: string, op: 'append' | 'replace', items: OutputItem[]): void;
  cellFinished(cellIndex: number, result: ExecuteCellResult, outputs: OutputCollector): void;
  cellSkipped(cellIndex: number, cell: FtnbCell, why: string): void;
}

export interface RunNotebookOptions {
  keepGoing: boolean;
  /** Per-cell limit in seconds: the cell is interrupted, then fails. */
  timeoutSeconds?: number;
  /** Checked between cells; true after Ctrl-C. */
  stopRequested(): boolean;
}

export interface RunSummary {
  notebook: FtnbNotebook;
  ran: number;
  failed: number;
}

const RUNNABLE_LANGUAGES = new Set([undefined, 'typescript', 'javascript', 'ts', 'js']);

export async function runNotebook(
  client: KernelClient,
  notebook: FtnbNotebook,
  options: RunNotebookOptions,
  reporter: RunReporter,
): Promise<RunSummary> {
  const cells = notebook.cells.map((cell) => ({ ...cell }));
  let ran = 0;
  let failed = 0;
  for (const [index, cell] of cells.entries()) {
    if (options.stopRequested() || (failed > 0 && !options.keepGoing)) break;
    if (cell.kind !== 'code') continue;
    if (!RUNNABLE_LANGUAGES.has(cell.language)) {
      reporter.cellSkipped(index, cell, `language '${cell.language}' is not run by the kernel`);
      continue;
    }
    reporter.cellStarted(index, cell);
    const outputs = new OutputCollector({
      onStream: reporter.stream,
      onDisplay: (id, op, items) => reporter.display(id, op, items),
    });
    const result = await executeWithTimeout(client, cell.source, `Cell ${index + 1}`, outputs, options.timeoutSeconds);
    if (!result.success && result.error && (!outputs.hasError() || result.error.name === 'TimeoutError'))
      outputs.setError(result.error);
    ran++;
    if (!result.success) failed++;
    cells[index] = {
      ...cell,
      outputs: outputs.outputs,
      execution: { order: ran, success: result.success, durationMs: Math.round(result.durationMs) },
    };
    reporter.cellFinished(index, result, outputs);
  }
  return { notebook: { ...notebook, cells }, ran, failed };
}

async function executeWithTimeout(
  client: KernelClient,
  code: string,
  cellName: string,
  outputs: OutputCollector,
  timeoutSeconds: number | undefined,
): Promise<ExecuteCellResult> {
  let timedOut = false;
  let restarted = false;
  const timer =
    timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          void client.interrupt().then((how) => (restarted = how === 'restarted'));
        }, timeoutSeconds * 1000);
  try {
    const result = await client.execute({ code, cellName }, outputs);
    if (!timedOut) return result;
    const lost = restarted || result.error?.name === 'KernelRestartedError';
    const message =
      `The cell ran longer than the ${timeoutSeconds} s limit (--timeout) and was interrupted` +
      (lost ? '; it did not stop in time, so the kernel was restarted and its state was lost.' : '.');
    return { ...result, success: false, interrupted: true, error: { name: 'TimeoutError', message } };
  } finally {
    clearTimeout(timer);
  }
}
