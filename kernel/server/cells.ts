/**
 * Running one cell in the kernel process: the `display` global and the engine's kernel bridge, and the
 * execution of a cell's code with its result, error and interrupt turned into outputs and an answer.
 * The queue that decides which cell runs when is KernelServer's.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { KERNEL_BRIDGE_KEY, type DownloadReport, type KernelBridge } from '../engine/runtime/kernelBridge';
import { raceSignal } from '../cells/cellRuntime';
import { createDisplay, isDisplayHandle, itemsForValue } from '../cells/display';
import { errorPayload } from '../cells/errorPayload';
import { InterruptedError } from '../cells/interruptedError';
import type { Repl } from '../cells/repl';
import { MIME, type ErrorPayload, type ExecuteCellParams, type ExecuteCellResult, type OutputItem } from '../protocol';

export interface Execution {
  params: ExecuteCellParams;
  controller: AbortController;
}

export type SendDisplay = (
  executionId: string,
  outputId: string,
  op: 'append' | 'replace',
  items: OutputItem[],
) => void;

const INTERRUPTED: ErrorPayload = { name: 'InterruptedError', message: 'Interrupted' };

/** Defines the cells' `display` global and publishes the bridge the engine bundle reads (kernelBridge.ts). */
export function installCellGlobals(options: {
  currentExecutionId(): string;
  currentSignal(): AbortSignal | undefined;
  send: SendDisplay;
  /** Sends a Hub download's progress to the client. */
  reportDownload(progress: DownloadReport): void;
}): void {
  const display = createDisplay({ currentExecutionId: options.currentExecutionId, send: options.send });
  Object.defineProperty(globalThis, 'display', {
    value: display,
    writable: false,
    configurable: true,
    enumerable: false,
  });
  const bridge: KernelBridge = {
    currentSignal: options.currentSignal,
    display,
    reportDownload: options.reportDownload,
  };
  (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] = bridge;
}

export interface CellExecutionDeps {
  repl: Repl;
  /** Holds the running cell for code that runs on its behalf (also work it left running in the background). */
  cellContext: AsyncLocalStorage<Execution>;
  sendDisplay: SendDisplay;
  /** Sends the cell's buffered stream text. */
  flushStreams(): void;
  /** Path prefixes of the kernel's own code, hidden from error stacks. */
  internalPaths: readonly string[];
}

/** Runs a cell's code; its value, error or interrupt becomes an output. Never throws. */
export async function executeCell(execution: Execution, deps: CellExecutionDeps): Promise<ExecuteCellResult> {
  const { executionId, code, cellName } = execution.params;
  const signal = execution.controller.signal;
  const started = performance.now();
  try {
    if (signal.aborted) throw new InterruptedError();
    // The race also ends a cell whose pending work does not go through a rewritten await.
    const cell = await raceSignal(
      deps.cellContext.run(execution, () => deps.repl.run(code, cellName)),
      signal,
    );
    if (cell.hasValue && cell.value !== undefined && !isDisplayHandle(cell.value)) {
      deps.sendDisplay(executionId, `result-${executionId}`, 'append', itemsForValue(cell.value, 'result'));
    }
    deps.flushStreams();
    return { success: true, durationMs: performance.now() - started };
  } catch (error) {
    const interrupted = signal.aborted;
    const payload = interrupted ? INTERRUPTED : errorPayload(error, deps.internalPaths);
    deps.sendDisplay(executionId, `error-${executionId}`, 'append', [
      { mime: MIME.error, data: JSON.stringify(payload) },
    ]);
    deps.flushStreams();
    const result: ExecuteCellResult = { success: false, durationMs: performance.now() - started, error: payload };
    if (interrupted) result.interrupted = true;
    return result;
  }
}
