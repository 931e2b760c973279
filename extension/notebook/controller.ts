/**
 * The Tunebook notebook controller: runs TypeScript cells in the notebook's kernel, one at a time,
 * streaming console output and rich displays into the cell as they happen.
 */
import * as vscode from 'vscode';
import { MIME, type ErrorPayload } from '../../kernel/protocol';
import { describeError, type Log } from '../common/log';
import type { NotebookRuntime, NotebookRuntimes } from '../kernel/notebookRuntimes';
import { ExecutionTarget, toVscodeItem } from './executionTarget';
import { CONTROLLER_ID, NOTEBOOK_TYPE } from './notebookType';
import { OutputRouter } from './outputRouter';
import { UNTRUSTED_ERROR, canRunCells, warnUntrustedOnce } from './workspaceTrust';

export class TunebookController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly runtimes: NotebookRuntimes,
    private readonly log: Log,
  ) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'Tunebook');
    this.controller.supportedLanguages = ['typescript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'TypeScript in an out-of-process Node kernel';
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.subscriptions.push(
      this.controller,
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.prefer(notebook)),
    );
    for (const notebook of vscode.workspace.notebookDocuments) this.prefer(notebook);
  }

  /** Drops the notebook's queued cells and interrupts the running one. */
  async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const runtime = this.runtimes.find(notebook);
    if (!runtime) return;
    const dropped = runtime.queue.cancelPending();
    const outcome = await runtime.session.interrupt();
    this.log.info(
      `Interrupt of ${notebook.uri.toString(true)}: ${outcome}${dropped ? `, ${dropped} queued cell(s) cancelled` : ''}`,
    );
    if (outcome === 'restarted') {
      void vscode.window.showWarningMessage(
        'Tunebook: the cell did not stop when interrupted, so its kernel was stopped. Variables from earlier cells are gone; the next run starts a fresh kernel.',
      );
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private prefer(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType === NOTEBOOK_TYPE) {
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): void {
    const codeCells = cells.filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
    if (!canRunCells()) {
      warnUntrustedOnce();
      for (const cell of codeCells) void this.refuse(cell, UNTRUSTED_ERROR);
      return;
    }
    const runtime = this.runtimes.get(notebook);
    for (const cell of codeCells) {
      let execution: vscode.NotebookCellExecution;
      try {
        execution = this.controller.createNotebookCellExecution(cell);
      } catch (error) {
        // VS Code refuses a second execution for a cell that is already queued or running.
        this.log.warn(`Cell ${cell.index + 1} was not queued: ${describeError(error)}`);
        continue;
      }
      runtime.queue.enqueue({
        run: () => this.runCell(runtime, cell, execution),
        cancel: () => endQuietly(execution, undefined),
      });
    }
  }

  private async runCell(
    runtime: NotebookRuntime,
    cell: vscode.NotebookCell,
    execution: vscode.NotebookCellExecution,
  ): Promise<void> {
    let success: boolean | undefined = false;
    try {
      execution.start(Date.now());
      await execution.clearOutput();
      const router = new OutputRouter(new ExecutionTarget(execution));
      const result = await runtime.session.execute(cell.document.getText(), cellName(cell), {
        onStream: (stream, text) => router.onStream(stream, text),
        onDisplay: (outputId, op, items) => router.onDisplay(outputId, op, items),
        onExecutionOrder: (order) => {
          execution.executionOrder = order;
        },
      });
      if (!result.success && result.error && !router.hasErrorOutput) router.showError(result.error);
      await router
        .finish()
        .catch((error: unknown) =>
          this.log.error(`Showing the outputs of cell ${cell.index + 1} failed`, describeError(error)),
        );
      if (result.error?.name.startsWith('Kernel'))
        this.log.warn(`Cell ${cell.index + 1}: ${result.error.name}: ${result.error.message}`);
      success = result.success;
    } catch (error) {
      // e.g. the cell was deleted while it ran
      this.log.error(`Running cell ${cell.index + 1} failed`, describeError(error));
    } finally {
      endQuietly(execution, success);
    }
  }

  private async refuse(cell: vscode.NotebookCell, error: ErrorPayload): Promise<void> {
    let execution: vscode.NotebookCellExecution;
    try {
      execution = this.controller.createNotebookCellExecution(cell);
    } catch {
      return;
    }
    try {
      execution.start(Date.now());
      await execution.replaceOutput(
        new vscode.NotebookCellOutput([toVscodeItem({ mime: MIME.error, data: JSON.stringify(error) })]),
      );
    } catch (failure) {
      this.log.error('Showing the untrusted-workspace error failed', describeError(failure));
    } finally {
      endQuietly(execution, false);
    }
  }
}

function cellName(cell: vscode.NotebookCell): string {
  return `Cell ${cell.index + 1}`;
}

function endQuietly(execution: vscode.NotebookCellExecution, success: boolean | undefined): void {
  try {
    execution.end(success, Date.now());
  } catch {
    // already ended, or the cell is gone
  }
}
