/**
 * Runs one notebook's cells one at a time, in the order they were asked for, across separate
 * "run" requests (VS Code calls the execute handler again while earlier cells still run).
 * Free of `vscode`; the controller wraps each cell execution in a QueuedRun.
 */
export interface QueuedRun {
  /** Runs the cell; the queue waits for it before starting the next. Must not reject. */
  run(): Promise<void>;
  /** Called instead of run() when the run is dropped before it started (interrupt, restart, close). */
  cancel(): void;
}

export class ExecutionQueue {
  private readonly waiting: QueuedRun[] = [];
  private running: QueuedRun | undefined;
  private idleWaiters: (() => void)[] = [];

  get isBusy(): boolean {
    return this.running !== undefined || this.waiting.length > 0;
  }

  get pendingCount(): number {
    return this.waiting.length;
  }

  enqueue(run: QueuedRun): void {
    this.waiting.push(run);
    if (!this.running) void this.drain();
  }

  /** Drops every run that has not started yet; the running one (if any) continues. */
  cancelPending(): number {
    const dropped = this.waiting.splice(0, this.waiting.length);
    for (const run of dropped) {
      try {
        run.cancel();
      } catch {
        // a failing cancel must not keep the others from being cancelled
      }
    }
    return dropped.length;
  }

  /** Resolves when nothing runs and nothing waits. */
  whenIdle(): Promise<void> {
    if (!this.isBusy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      this.running = next;
      try {
        await next.run();
      } catch {
        // run() must not reject; if it does anyway the queue keeps going
      }
      this.running = undefined;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
