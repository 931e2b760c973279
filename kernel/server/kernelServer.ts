/**
 * The kernel process's JSON-RPC server: answers initialize / execute / shutdown, queues cells to run one at
 * a time in arrival order (cells.ts runs each), interrupts them, and reports status, streams and display
 * outputs. Each panel's handlers register themselves on the same connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  DisplayNotification,
  ExecuteCellRequest,
  InitializeRequest,
  InterruptNotification,
  LogNotification,
  ModelDownloadProgressNotification,
  PROTOCOL_VERSION,
  ShutdownRequest,
  StatusNotification,
  StreamNotification,
  type ExecuteCellParams,
  type ExecuteCellResult,
  type KernelState,
  type OutputItem,
} from '../protocol';
import { captureProcessOutput, type StreamName } from '../cells/capture';
import { createCellRuntime, newCellController } from '../cells/cellRuntime';
import { errorPayload } from '../cells/errorPayload';
import { InterruptedError } from '../cells/interruptedError';
import { ModuleLoader } from '../cells/modules';
import { Repl } from '../cells/repl';
import { StreamBuffer } from '../cells/streamBuffer';
import { executeCell, installCellGlobals, type Execution } from './cells';
import { serverEngine } from './engineSurface';
import { registerFreezeMap } from './freezeMap';
import { registerModels, type ModelsNotifier } from './models';
import { registerPromptCompare } from './promptCompare';
import { registerRanking } from './ranking';
import type { RlhfJobs } from './rankingJobs';

export interface KernelServerOptions {
  /** Folder of the kernel bundle (dist/) or of kernel/server/main.ts when run from source. */
  kernelDir: string;
  /** Path prefixes of the kernel's own code, hidden from error stacks. */
  internalPaths: readonly string[];
  /** Route process.stdout/stderr writes of cells to `cell/stream` (the real kernel process does). */
  captureOutput: boolean;
  /** chdir into the notebook's folder on initialize (the real kernel process does). */
  changeDirectory: boolean;
  /** Called after a shutdown request was answered, or when the client went away. */
  exit(code: number): void;
}

export class KernelServer {
  private readonly loader: ModuleLoader;
  private readonly repl: Repl;
  private readonly streams: StreamBuffer;
  private readonly models: ModelsNotifier;
  private readonly rankingJobs: RlhfJobs;
  private notebookDir = process.cwd();
  private running: Execution | undefined;
  private readonly waiting: Execution[] = [];
  private lastExecutionId = '';
  private state: KernelState = 'starting';
  private queueTail: Promise<unknown> = Promise.resolve();
  private restoreOutput: (() => void) | undefined;
  /** The cell whose code is running: also right for work a cell left running in the background. */
  private readonly cellContext = new AsyncLocalStorage<Execution>();

  constructor(
    private readonly connection: MessageConnection,
    private readonly options: KernelServerOptions,
  ) {
    this.loader = new ModuleLoader(options.kernelDir, this.notebookDir);
    const currentSignal = () => this.currentExecution()?.controller.signal;
    const runtime = createCellRuntime(this.loader, currentSignal, () => this.notebookDir);
    this.repl = new Repl(runtime, (specifier) => this.loader.require(specifier));
    this.streams = new StreamBuffer(
      (executionId, stream, text) =>
        void connection.sendNotification(StreamNotification.type, { executionId, stream, text }),
    );
    installCellGlobals({
      currentExecutionId: () => this.currentExecution()?.params.executionId ?? this.lastExecutionId,
      currentSignal,
      send: (executionId, outputId, op, items) => this.sendDisplay(executionId, outputId, op, items),
      reportDownload: (progress) => {
        const executionId = this.currentExecution()?.params.executionId;
        void connection.sendNotification(
          ModelDownloadProgressNotification.type,
          executionId === undefined ? progress : { executionId, ...progress },
        );
      },
    });

    const globalNames = () => this.repl.names();
    const loadedEngine = () => {
      const exports = this.loader.loadedEngine();
      return exports && serverEngine(exports);
    };
    this.models = registerModels(connection, { globalNames });
    registerFreezeMap(connection, { globalNames, loadedEngine });
    registerPromptCompare(connection, { globalNames });
    this.rankingJobs = registerRanking(connection, { globalNames, engine: () => serverEngine(this.loader.engine()) });

    if (options.captureOutput) this.restoreOutput = captureProcessOutput((stream, text) => this.onOutput(stream, text));
    this.listen();
  }

  /** An error nobody awaited (a timer callback, an unhandled rejection): shown in the running cell's stderr. */
  reportBackgroundError(error: unknown): void {
    const payload = errorPayload(error, this.options.internalPaths);
    const text = `${payload.stack ?? `${payload.name}: ${payload.message}`}\n`;
    if (this.running) this.streams.write(this.running.params.executionId, 'stderr', `Uncaught (in background) ${text}`);
    else this.log('error', `Uncaught error outside a cell: ${text}`);
  }

  dispose(): void {
    this.restoreOutput?.();
    this.restoreOutput = undefined;
  }

  private listen(): void {
    const c = this.connection;
    c.onRequest(InitializeRequest.type, (params) => {
      if (params.protocolVersion !== PROTOCOL_VERSION) {
        throw new ResponseError(
          1,
          `The kernel speaks protocol ${PROTOCOL_VERSION}, the client ${params.protocolVersion}; update Tunebook so both match.`,
        );
      }
      this.notebookDir = params.notebookDir;
      this.loader.setNotebookDir(params.notebookDir);
      process.env.TUNEBOOK_BACKEND = params.backend;
      if (this.options.changeDirectory) {
        try {
          process.chdir(params.notebookDir);
        } catch (error) {
          this.log(
            'warn',
            `Could not change to the notebook folder ${params.notebookDir}: ${(error as Error).message}`,
          );
        }
      }
      this.setState('idle');
      return { protocolVersion: PROTOCOL_VERSION, pid: process.pid, nodeVersion: process.version };
    });
    c.onRequest(ExecuteCellRequest.type, (params) => this.enqueue(params));
    c.onNotification(InterruptNotification.type, () => this.interrupt());
    c.onRequest(ShutdownRequest.type, () => {
      setImmediate(() => this.options.exit(0));
      return { ok: true } as const;
    });
    c.onClose(() => this.options.exit(0));
  }

  private enqueue(params: ExecuteCellParams): Promise<ExecuteCellResult> {
    const execution: Execution = { params, controller: newCellController() };
    this.waiting.push(execution);
    const result = this.queueTail.then(() => this.execute(execution));
    this.queueTail = result;
    return result;
  }

  private interrupt(): void {
    this.rankingJobs.interrupt();
    this.running?.controller.abort(new InterruptedError());
    for (const execution of this.waiting) execution.controller.abort(new InterruptedError());
  }

  private async execute(execution: Execution): Promise<ExecuteCellResult> {
    const index = this.waiting.indexOf(execution);
    if (index >= 0) this.waiting.splice(index, 1);
    this.running = execution;
    this.lastExecutionId = execution.params.executionId;
    this.setState('busy');
    try {
      return await executeCell(execution, {
        repl: this.repl,
        cellContext: this.cellContext,
        sendDisplay: (executionId, outputId, op, items) => this.sendDisplay(executionId, outputId, op, items),
        flushStreams: () => this.streams.flush(),
        internalPaths: this.options.internalPaths,
      });
    } finally {
      this.running = undefined;
      this.models.afterCell();
      if (this.waiting.length === 0) this.setState('idle');
    }
  }

  private currentExecution(): Execution | undefined {
    return this.cellContext.getStore() ?? this.running;
  }

  private sendDisplay(executionId: string, outputId: string, op: 'append' | 'replace', items: OutputItem[]): void {
    this.streams.flush();
    void this.connection.sendNotification(DisplayNotification.type, { executionId, outputId, op, items });
  }

  private onOutput(stream: StreamName, text: string): void {
    if (this.running) this.streams.write(this.running.params.executionId, stream, text);
    else this.log('info', `Output after its cell finished (${stream}): ${text}`);
  }

  private setState(state: KernelState): void {
    if (state === this.state) return;
    this.state = state;
    void this.connection.sendNotification(StatusNotification.type, { state });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    void this.connection.sendNotification(LogNotification.type, { level, message });
  }
}
