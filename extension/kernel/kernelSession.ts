/**
 * One notebook's kernel over its lifetime: started on the first run, replaced by a fresh one when it
 * died, restarted on request, shut down when the notebook closes. Also numbers executions (1, 2, ...
 * per kernel process, like Jupyter). Free of `vscode`: the extension passes a factory that starts a
 * KernelClient with the current settings, unit tests pass fakes.
 */
import type { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ExecuteCellResult, KernelState, OutputItem } from '../../kernel/protocol';
import { NoKernelError } from './noKernelError';

export interface ExecuteSink {
  onStream(stream: 'stdout' | 'stderr', text: string): void;
  onDisplay(outputId: string, op: 'append' | 'replace', items: OutputItem[]): void;
}

/** The part of kernel/client's KernelClient this session uses. */
export interface SessionKernel {
  readonly state: KernelState;
  onDidChangeState(listener: (state: KernelState) => void): unknown;
  execute(params: { code: string; cellName: string }, sink: ExecuteSink): Promise<ExecuteCellResult>;
  interrupt(): Promise<'cooperative' | 'restarted' | 'idle'>;
  dispose(): Promise<void>;
  /** Panels: a request to the running kernel, and kernel notifications (optional: test fakes may omit them). */
  request?<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
  onNotification?<P>(type: NotificationType<P>, listener: (params: P) => void): { dispose(): void };
}

/** The sink a cell run passes: the kernel's events plus the execution number once it is known. */
export interface CellRunSink extends ExecuteSink {
  onExecutionOrder?(order: number): void;
}

export type KernelFactory = () => Promise<SessionKernel>;

/** 'none': no kernel process yet (or it was shut down). */
export type SessionState = KernelState | 'none';

export const KERNEL_START_ERROR = 'KernelStartError';

export class KernelSession {
  private kernel: SessionKernel | undefined;
  private starting: Promise<SessionKernel> | undefined;
  private stateListeners = new Set<(state: SessionState) => void>();
  private readonly kernelNotifications = new Set<{ type: NotificationType<any>; listener: (params: any) => void }>();
  private readonly kernelSubscriptions = new Map<object, { dispose(): void }>();
  private executionCount = 0;
  private current: SessionState = 'none';
  /** Bumped on restart/shutdown so a kernel that finishes starting late is thrown away. */
  private generation = 0;

  constructor(private readonly factory: KernelFactory) {}

  get state(): SessionState {
    return this.current;
  }

  onDidChangeState(listener: (state: SessionState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  /** Runs code, starting a kernel first if there is none or the last one died. Never rejects. */
  async execute(
    code: string,
    cellName: string,
    sink: CellRunSink,
  ): Promise<ExecuteCellResult & { executionOrder?: number }> {
    let kernel: SessionKernel;
    try {
      kernel = await this.ensureKernel();
    } catch (error) {
      return {
        success: false,
        durationMs: 0,
        error: {
          name: error instanceof Error && error.name !== 'Error' ? error.name : KERNEL_START_ERROR,
          message:
            `The Tunebook kernel could not start: ${error instanceof Error ? error.message : String(error)}\n` +
            'Check the "tunebook.kernel.nodePath" setting; the Tunebook output channel has details.',
        },
      };
    }
    const executionOrder = ++this.executionCount;
    try {
      sink.onExecutionOrder?.(executionOrder);
      const kernelSink: ExecuteSink = {
        onStream: (stream, text) => sink.onStream(stream, text),
        onDisplay: (outputId, op, items) => sink.onDisplay(outputId, op, items),
      };
      return { ...(await kernel.execute({ code, cellName }, kernelSink)), executionOrder };
    } catch (error) {
      return {
        success: false,
        durationMs: 0,
        executionOrder,
        error: {
          name: 'KernelError',
          message: `The kernel failed to run the cell: ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    }
  }

  /** Panels: a request to the running kernel. Never starts one; rejects with NoKernelError when none runs. */
  async request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    const kernel = this.kernel;
    if (!kernel || kernel.state === 'dead' || !kernel.request) throw new NoKernelError();
    return kernel.request(type, params);
  }

  /** Panels: a kernel notification, from this kernel and every later one. */
  onKernelNotification<P>(type: NotificationType<P>, listener: (params: P) => void): { dispose(): void } {
    const entry = { type, listener };
    this.kernelNotifications.add(entry);
    if (this.kernel)
      this.kernelSubscriptions.set(entry, this.kernel.onNotification?.(type, listener) ?? { dispose: () => undefined });
    return {
      dispose: () => {
        this.kernelNotifications.delete(entry);
        this.kernelSubscriptions.get(entry)?.dispose();
        this.kernelSubscriptions.delete(entry);
      },
    };
  }

  private subscribeKernelNotifications(kernel: SessionKernel): void {
    for (const subscription of this.kernelSubscriptions.values()) subscription.dispose();
    this.kernelSubscriptions.clear();
    for (const entry of this.kernelNotifications) {
      this.kernelSubscriptions.set(
        entry,
        kernel.onNotification?.(entry.type, entry.listener) ?? { dispose: () => undefined },
      );
    }
  }

  /** Interrupts the running cell, if a kernel exists. */
  async interrupt(): Promise<'cooperative' | 'restarted' | 'idle'> {
    const kernel = this.kernel;
    return kernel ? kernel.interrupt() : 'idle';
  }

  /** Replaces the kernel with a fresh one (started now, with the settings of now). */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.ensureKernel();
  }

  /** Stops the kernel; the next run starts a fresh one. */
  async shutdown(): Promise<void> {
    this.generation++;
    const kernel = this.kernel ?? (await this.starting?.catch(() => undefined));
    this.kernel = undefined;
    this.starting = undefined;
    this.setState('none');
    await kernel?.dispose().catch(() => undefined);
  }

  private ensureKernel(): Promise<SessionKernel> {
    if (this.kernel && this.kernel.state !== 'dead') return Promise.resolve(this.kernel);
    if (this.starting) return this.starting;
    const dead = this.kernel;
    this.kernel = undefined;
    const generation = this.generation;
    this.setState('starting');
    const starting = (async () => {
      await dead?.dispose().catch(() => undefined);
      const kernel = await this.factory();
      if (generation !== this.generation) {
        await kernel.dispose().catch(() => undefined);
        throw new Error('the kernel was shut down while it started');
      }
      this.executionCount = 0;
      this.kernel = kernel;
      this.subscribeKernelNotifications(kernel);
      kernel.onDidChangeState((state) => {
        if (this.kernel !== kernel) return;
        if (state === 'starting') this.executionCount = 0; // the client replaced its process itself
        this.setState(state);
      });
      this.setState(kernel.state);
      return kernel;
    })();
    this.starting = starting;
    starting.then(
      () => {
        if (this.starting === starting) this.starting = undefined;
      },
      () => {
        if (this.starting === starting) {
          this.starting = undefined;
          this.setState(this.kernel ? this.kernel.state : 'dead');
        }
      },
    );
    return starting;
  }

  private setState(state: SessionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }
}
