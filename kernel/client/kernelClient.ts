/**
 * The client side of the kernel protocol, shared by the VS Code extension and the headless runner.
 * Owns one kernel process at a time; when it dies (crash, kill -9, out of memory, or killed after an
 * interrupt that a synchronous loop ignored) the running cells fail with a clear message and the next
 * `execute` starts a fresh kernel.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DisplayNotification,
  ExecuteCellRequest,
  InterruptNotification,
  LogNotification,
  ShutdownRequest,
  StatusNotification,
  StreamNotification,
  type BackendChoice,
  type ExecuteCellResult,
  type KernelState,
  type LogParams,
  type OutputItem,
} from '../protocol';
import type { NotificationType, RequestType } from 'vscode-jsonrpc';
import { failedCell, kernelDiedError, killedError, type KillReason } from './cellFailures';
import { KernelProcess } from './kernelProcess';

export interface KernelClientOptions {
  /** Default: dist/kernel.js next to the calling bundle. */
  kernelScript?: string;
  /** Default: process.execPath, run with ELECTRON_RUN_AS_NODE=1 (so it also works inside VS Code). */
  nodePath?: string;
  /** Extra environment for the kernel, on top of process.env. */
  env?: NodeJS.ProcessEnv;
  notebookDir: string;
  backend: BackendChoice;
  /** How long an interrupt waits for the cell to stop before the kernel is killed and restarted. Default 1500. */
  interruptGraceMs?: number;
  /** How long the kernel may take to answer `initialize`. Default 20000. */
  startTimeoutMs?: number;
}

export interface ExecuteSink {
  onStream(stream: 'stdout' | 'stderr', text: string): void;
  onDisplay(outputId: string, op: 'append' | 'replace', items: OutputItem[]): void;
}

export interface Disposable {
  dispose(): void;
}

interface PendingCell {
  sink: ExecuteSink;
  started: number;
  settle(result: ExecuteCellResult): void;
  done: Promise<ExecuteCellResult>;
}

export class KernelClient {
  private kernel: KernelProcess | undefined;
  private starting: Promise<KernelProcess> | undefined;
  private readonly pending = new Map<string, PendingCell>();
  private readonly stateListeners = new Set<(state: KernelState) => void>();
  private readonly logListeners = new Set<(entry: LogParams) => void>();
  /** Listeners of other kernel notifications (panels), by method; they survive kernel restarts. */
  private readonly notificationListeners = new Map<string, Set<(params: unknown) => void>>();
  private readonly hookedMethods = new WeakMap<KernelProcess, Set<string>>();
  private currentState: KernelState = 'dead';
  private executionCounter = 0;
  private disposed = false;
  private readonly graceMs: number;

  private constructor(private readonly options: KernelClientOptions) {
    this.graceMs = options.interruptGraceMs ?? 1500;
  }

  static async start(options: KernelClientOptions): Promise<KernelClient> {
    const client = new KernelClient(options);
    await client.ensureKernel();
    return client;
  }

  get state(): KernelState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.kernel?.alive ? this.kernel.pid : undefined;
  }

  onDidChangeState(listener: (state: KernelState) => void): Disposable {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  /** Kernel diagnostics: its `kernel/log` messages and whatever it writes to stderr (level 'info'). */
  onDidLog(listener: (entry: LogParams) => void): Disposable {
    this.logListeners.add(listener);
    return { dispose: () => this.logListeners.delete(listener) };
  }

  /** Sends a request to the running kernel (used by panels). Never starts a kernel: rejects when none runs. */
  async request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    const kernel = this.kernel;
    if (!kernel?.alive) throw new Error('No kernel is running for this notebook; run a cell first.');
    return kernel.connection.sendRequest(type, params);
  }

  /** Listens to a kernel notification (used by panels), also from kernels started later. */
  onNotification<P>(type: NotificationType<P>, listener: (params: P) => void): Disposable {
    let listeners = this.notificationListeners.get(type.method);
    if (!listeners) this.notificationListeners.set(type.method, (listeners = new Set()));
    const untyped = listener as (params: unknown) => void;
    listeners.add(untyped);
    if (this.kernel?.alive) this.hookNotification(this.kernel, type.method);
    return { dispose: () => listeners.delete(untyped) };
  }

  private hookNotification(kernel: KernelProcess, method: string): void {
    let hooked = this.hookedMethods.get(kernel);
    if (!hooked) this.hookedMethods.set(kernel, (hooked = new Set()));
    if (hooked.has(method)) return;
    hooked.add(method);
    kernel.connection.onNotification(method, (params: unknown) => {
      if (kernel !== this.kernel) return;
      for (const listener of [...(this.notificationListeners.get(method) ?? [])]) listener(params);
    });
  }

  /** Last lines the kernel process wrote to stderr. */
  stderrTail(): string {
    return this.kernel?.stderrTail() ?? '';
  }

  async execute(cell: { code: string; cellName: string }, sink: ExecuteSink): Promise<ExecuteCellResult> {
    if (this.disposed) throw new Error('This kernel client was disposed; start a new one.');
    const kernel = await this.ensureKernel();
    const executionId = `${kernel.pid}-${++this.executionCounter}`;
    let settle!: (result: ExecuteCellResult) => void;
    const done = new Promise<ExecuteCellResult>((resolve) => {
      settle = (result) => {
        if (this.pending.get(executionId)?.done !== done) return;
        this.pending.delete(executionId);
        resolve(result);
      };
    });
    this.pending.set(executionId, { sink, started: performance.now(), settle, done });
    kernel.connection
      .sendRequest(ExecuteCellRequest.type, { executionId, code: cell.code, cellName: cell.cellName })
      .then(
        (result) => settle(result),
        () => undefined, // the connection closed: the exit handler settles the cell
      );
    return done;
  }

  /**
   * Stops the running cell: cooperatively first (its awaits and the engine's loops see the signal);
   * if it has not finished after the grace period, kills the kernel and starts a fresh one.
   */
  async interrupt(): Promise<'cooperative' | 'restarted' | 'idle'> {
    const kernel = this.kernel;
    if (!kernel?.alive || this.pending.size === 0) return 'idle';
    const running = [...this.pending.values()].map((p) => p.done);
    void kernel.connection.sendNotification(InterruptNotification.type);
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      Promise.all(running).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.graceMs))),
    ]);
    clearTimeout(timer);
    if (stopped) return 'cooperative';
    await this.killKernel(kernel, 'interrupt');
    if (!this.disposed) await this.ensureKernel().catch(() => undefined); // a failed start is retried by the next execute
    return 'restarted';
  }

  /** A fresh kernel; running cells fail and the notebook's state is lost. */
  async restart(): Promise<void> {
    if (this.kernel) await this.killKernel(this.kernel, 'restart');
    await this.ensureKernel();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const kernel = this.kernel;
    if (kernel?.alive) {
      kernel.killReason = 'dispose';
      const shutdown = kernel.connection.sendRequest(ShutdownRequest.type, undefined).catch(() => undefined);
      const exited = await Promise.race([
        kernel.exited.then(() => true),
        shutdown.then(() => delay(500)).then(() => false),
        delay(1000).then(() => false),
      ]);
      if (!exited) await this.killKernel(kernel, 'dispose');
    }
    this.setState('dead');
    this.stateListeners.clear();
    this.logListeners.clear();
  }

  private async killKernel(kernel: KernelProcess, reason: KillReason): Promise<void> {
    kernel.kill(reason);
    await kernel.exited;
  }

  private ensureKernel(): Promise<KernelProcess> {
    if (this.kernel?.alive) return Promise.resolve(this.kernel);
    if (this.starting) return this.starting;
    this.setState('starting');
    this.starting = KernelProcess.spawn({
      kernelScript: this.options.kernelScript ?? defaultKernelScript(),
      nodePath: this.options.nodePath ?? process.execPath,
      env: {
        ...process.env,
        ...this.options.env,
        ELECTRON_RUN_AS_NODE: '1',
        TUNEBOOK_BACKEND: this.options.backend,
      },
      notebookDir: this.options.notebookDir,
      backend: this.options.backend,
      startTimeoutMs: this.options.startTimeoutMs ?? 20_000,
      onStderr: (text) => this.emitLog({ level: 'info', message: text }),
    }).then(
      ({ process: kernel }) => {
        this.starting = undefined;
        this.attach(kernel);
        return kernel;
      },
      (error: unknown) => {
        this.starting = undefined;
        this.setState('dead');
        throw error;
      },
    );
    return this.starting;
  }

  private attach(kernel: KernelProcess): void {
    this.kernel = kernel;
    const c = kernel.connection;
    c.onNotification(StreamNotification.type, (p) => this.pending.get(p.executionId)?.sink.onStream(p.stream, p.text));
    c.onNotification(DisplayNotification.type, (p) =>
      this.pending.get(p.executionId)?.sink.onDisplay(p.outputId, p.op, p.items),
    );
    c.onNotification(StatusNotification.type, (p) => {
      if (kernel === this.kernel && kernel.alive) this.setState(p.state);
    });
    c.onNotification(LogNotification.type, (p) => this.emitLog(p));
    for (const method of this.notificationListeners.keys()) this.hookNotification(kernel, method);
    this.setState('idle');
    void kernel.exited.then((exit) => {
      const reason = kernel.killReason;
      const error = reason ? killedError(reason, this.graceMs) : kernelDiedError(exit, kernel.stderrTail());
      // Cells of this kernel: every pending one (a dead kernel answers nobody).
      for (const cell of [...this.pending.values()]) {
        cell.settle(failedCell(error, performance.now() - cell.started, reason === 'interrupt'));
      }
      if (kernel === this.kernel) {
        this.kernel = undefined;
        this.setState('dead');
      }
      if (!reason) this.emitLog({ level: 'error', message: error.stack ?? error.message });
    });
  }

  private setState(state: KernelState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private emitLog(entry: LogParams): void {
    for (const listener of [...this.logListeners]) listener(entry);
  }
}

function defaultKernelScript(): string {
  const candidates = [join(__dirname, 'kernel.js'), join(__dirname, '..', '..', 'dist', 'kernel.js')];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
