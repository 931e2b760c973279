/** The kernel's lifecycle: initialize, shutdown, interrupt, its status and its log lines. */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { BackendChoice, KernelState } from './base';

export interface InitializeParams {
  protocolVersion: number;
  /** Folder the notebook lives in: working directory and first npm resolution root. */
  notebookDir: string;
  backend: BackendChoice;
}
export interface InitializeResult {
  protocolVersion: number;
  pid: number;
  nodeVersion: string;
}
export namespace InitializeRequest {
  export const method = 'kernel/initialize' as const;
  export const type = new RequestType<InitializeParams, InitializeResult, void>(method);
}

export interface ShutdownResult {
  ok: true;
}
export namespace ShutdownRequest {
  export const method = 'kernel/shutdown' as const;
  export const type = new RequestType<void, ShutdownResult, void>(method);
}

/** Client -> kernel: stop the running cell cooperatively (abort signal, await points, engine loops). */
export namespace InterruptNotification {
  export const method = 'kernel/interrupt' as const;
  export const type = new NotificationType<void>(method);
}

export interface StatusParams {
  state: KernelState;
}
export namespace StatusNotification {
  export const method = 'kernel/status' as const;
  export const type = new NotificationType<StatusParams>(method);
}

/** Kernel -> client: diagnostics for the output channel (never shown in cells). */
export interface LogParams {
  level: 'info' | 'warn' | 'error';
  message: string;
}
export namespace LogNotification {
  export const method = 'kernel/log' as const;
  export const type = new NotificationType<LogParams>(method);
}
