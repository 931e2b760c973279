/**
 * Each open Tunebook notebook's runtime: its kernel session and its execution queue. Shuts the kernel
 * down when the notebook closes and reports kernel state changes (for the status bar).
 */
import * as vscode from 'vscode';
import { describeError, type Log } from '../common/log';
import { ExecutionQueue } from '../notebook/executionQueue';
import { NOTEBOOK_TYPE } from '../notebook/notebookType';
import { showDownloadProgress } from './downloadProgress';
import { KernelSession, type SessionKernel, type SessionState } from './kernelSession';

export interface NotebookRuntime {
  readonly notebook: vscode.NotebookDocument;
  readonly session: KernelSession;
  readonly queue: ExecutionQueue;
}

export type StartKernel = (notebook: vscode.NotebookDocument) => Promise<SessionKernel>;

export class NotebookRuntimes implements vscode.Disposable {
  private readonly runtimes = new Map<string, NotebookRuntime & { subscription: { dispose(): void } }>();
  private readonly stateChanged = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; state: SessionState }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChangeState = this.stateChanged.event;

  constructor(
    private readonly startKernel: StartKernel,
    private readonly log: Log,
  ) {
    this.subscriptions.push(
      this.stateChanged,
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        if (notebook.notebookType === NOTEBOOK_TYPE) void this.close(notebook);
      }),
    );
  }

  /** The notebook's runtime, created (without starting a kernel) if it has none. */
  get(notebook: vscode.NotebookDocument): NotebookRuntime {
    const key = notebook.uri.toString();
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      const session = new KernelSession(() => this.startKernel(notebook));
      const stateLog = session.onDidChangeState((state) => {
        this.log.info(`Kernel ${state === 'none' ? 'shut down' : state} for ${notebook.uri.toString(true)}`);
        this.stateChanged.fire({ notebook, state });
      });
      const queue = new ExecutionQueue();
      const downloads = showDownloadProgress(session, async () => {
        const dropped = queue.cancelPending();
        const outcome = await session.interrupt();
        this.log.info(
          `Download cancelled in ${notebook.uri.toString(true)}: interrupt ${outcome}${dropped ? `, ${dropped} queued cell(s) cancelled` : ''}`,
        );
      });
      const subscription = {
        dispose: () => {
          stateLog.dispose();
          downloads.dispose();
        },
      };
      runtime = { notebook, session, queue, subscription };
      this.runtimes.set(key, runtime);
    }
    return runtime;
  }

  find(notebook: vscode.NotebookDocument): NotebookRuntime | undefined {
    return this.runtimes.get(notebook.uri.toString());
  }

  /** Runtimes whose kernel process exists or is starting. */
  withKernel(): NotebookRuntime[] {
    return [...this.runtimes.values()].filter((runtime) => runtime.session.state !== 'none');
  }

  /** Drops queued cells, stops the kernel, forgets the notebook. */
  async close(notebook: vscode.NotebookDocument): Promise<void> {
    const key = notebook.uri.toString();
    const runtime = this.runtimes.get(key);
    if (!runtime) return;
    this.runtimes.delete(key);
    runtime.queue.cancelPending();
    try {
      await runtime.session.shutdown();
    } catch (error) {
      this.log.error(`Stopping the kernel of ${notebook.uri.toString(true)} failed`, describeError(error));
    }
    runtime.subscription.dispose();
  }

  /** Stops every kernel (used on deactivate). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((runtime) => this.close(runtime.notebook)));
  }

  dispose(): void {
    void this.closeAll();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
