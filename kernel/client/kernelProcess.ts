/** One kernel process: spawned, connected over stdio JSON-RPC and initialized. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { InitializeRequest, PROTOCOL_VERSION, type BackendChoice, type InitializeResult } from '../protocol';
import type { KillReason, ProcessExit } from './cellFailures';
import { KERNEL_INSPECT_ENV, kernelInspectArgs } from './kernelInspect';
import { KernelStartError } from './kernelStartError';

export interface KernelProcessOptions {
  kernelScript: string;
  nodePath: string;
  env: NodeJS.ProcessEnv;
  notebookDir: string;
  backend: BackendChoice;
  startTimeoutMs: number;
  onStderr(text: string): void;
}

const STDERR_TAIL_CHARS = 8 * 1024;

export class KernelProcess {
  readonly exited: Promise<ProcessExit>;
  /** Set when the client ends the process on purpose. */
  killReason: KillReason | undefined;
  private stderr = '';
  private exit: ProcessExit | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
    onStderr: (text: string) => void,
  ) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_TAIL_CHARS);
      onStderr(text);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        connection.dispose();
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  stderrTail(lines = 20): string {
    return this.stderr.trimEnd().split('\n').slice(-lines).join('\n');
  }

  static async spawn(options: KernelProcessOptions): Promise<{ process: KernelProcess; info: InitializeResult }> {
    if (!existsSync(options.kernelScript)) {
      throw new KernelStartError(
        `The kernel bundle ${options.kernelScript} does not exist. Build Tunebook (npm run build) or reinstall it.`,
      );
    }
    const inspect = kernelInspectArgs(options.env[KERNEL_INSPECT_ENV]);
    const child = spawn(options.nodePath, [...inspect, options.kernelScript], {
      cwd: existsSync(options.notebookDir) ? options.notebookDir : undefined,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    // Nothing is written to the child before it exists: a failed spawn would leave a rejected write behind.
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(
          new KernelStartError(`Could not start the kernel with ${options.nodePath}: ${error.message}`, '', {
            cause: error,
          }),
        ),
      );
    });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const kernel = new KernelProcess(child, connection, options.onStderr);
    child.stdin!.on('error', () => undefined); // EPIPE when the kernel dies; `exited` reports it
    connection.listen();

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KernelStartError(
              `The kernel did not answer within ${options.startTimeoutMs / 1000} s of starting.`,
              kernel.stderrTail(),
            ),
          ),
        options.startTimeoutMs,
      );
    });
    const diedEarly = kernel.exited.then((exit) => {
      throw new KernelStartError(
        `The kernel exited while starting (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}).`,
        kernel.stderrTail(),
      );
    });
    try {
      const initialized = connection.sendRequest(InitializeRequest.type, {
        protocolVersion: PROTOCOL_VERSION,
        notebookDir: options.notebookDir,
        backend: options.backend,
      });
      initialized.catch(() => undefined); // when another branch wins the race
      const info = await Promise.race([initialized, timedOut, diedEarly]);
      return { process: kernel, info };
    } catch (error) {
      kernel.kill();
      if (error instanceof KernelStartError) throw error;
      throw new KernelStartError(`The kernel refused to start: ${(error as Error).message}`, kernel.stderrTail(), {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      diedEarly.catch(() => undefined);
    }
  }

  kill(reason?: KillReason): void {
    if (reason && !this.killReason) this.killReason = reason;
    if (this.alive) this.child.kill('SIGKILL');
  }
}
