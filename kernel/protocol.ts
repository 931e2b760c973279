/**
 * The extension <-> kernel protocol, defined once and imported by both sides
 * (the VS Code extension, the headless runner and the kernel process itself).
 *
 * Style follows vscode-languageserver-protocol: each message is a namespace with
 * its `method` string and a typed `type` built from vscode-jsonrpc.
 * This file must stay free of `vscode` imports and of Node-only APIs.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';

export const PROTOCOL_VERSION = 1;

/** Backend names, best first. `auto` walks the ladder. */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** One output item, the same shape the .ftnb format stores. */
export interface OutputItem {
  mime: string;
  /** Text for text mimes, base64 for binary ones (then `encoding` is 'base64'). */
  data: string;
  encoding?: 'base64';
}

export const MIME = {
  stdout: 'application/vnd.code.notebook.stdout',
  stderr: 'application/vnd.code.notebook.stderr',
  error: 'application/vnd.code.notebook.error',
  text: 'text/plain',
  markdown: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
} as const;

/** The JSON carried by an `application/vnd.code.notebook.error` item. */
export interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
}

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead';

// ---------------------------------------------------------------- requests

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

export interface ExecuteCellParams {
  /** Unique per execution; outputs and streams refer to it. */
  executionId: string;
  /** Cell source (TypeScript). */
  code: string;
  /** A name for stack traces, e.g. the cell's index or URI fragment. */
  cellName: string;
}
export interface ExecuteCellResult {
  success: boolean;
  durationMs: number;
  /** Set when the cell threw (also sent as an error output). */
  error?: ErrorPayload;
  /** True when the cell stopped because of an interrupt. */
  interrupted?: boolean;
}
export namespace ExecuteCellRequest {
  export const method = 'cell/execute' as const;
  export const type = new RequestType<ExecuteCellParams, ExecuteCellResult, void>(method);
}

export interface ShutdownResult {
  ok: true;
}
export namespace ShutdownRequest {
  export const method = 'kernel/shutdown' as const;
  export const type = new RequestType<void, ShutdownResult, void>(method);
}

// ---------------------------------------------------------- notifications

/** Client -> kernel: stop the running cell cooperatively (abort signal, await points, engine loops). */
export namespace InterruptNotification {
  export const method = 'kernel/interrupt' as const;
  export const type = new NotificationType<void>(method);
}

/** Kernel -> client: text written to console.* / process.stdout / process.stderr while a cell runs. */
export interface StreamParams {
  executionId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}
export namespace StreamNotification {
  export const method = 'cell/stream' as const;
  export const type = new NotificationType<StreamParams>(method);
}

/**
 * Kernel -> client: a rich output. `outputId` names one output of the cell;
 * `op: 'append'` adds it, `op: 'replace'` redraws an output appended earlier in place
 * (display handles' `update`).
 */
export interface DisplayParams {
  executionId: string;
  outputId: string;
  op: 'append' | 'replace';
  items: OutputItem[];
}
export namespace DisplayNotification {
  export const method = 'cell/display' as const;
  export const type = new NotificationType<DisplayParams>(method);
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
