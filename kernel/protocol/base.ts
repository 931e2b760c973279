/**
 * What every extension <-> kernel message builds on: the protocol version, backend names, output items,
 * MIME types, the error payload and the kernel's states. Free of `vscode` and of Node-only APIs.
 */
export const PROTOCOL_VERSION = 1;

/** Backend names, best first. `auto` walks the ladder. The one list the engine, the CLI and the setting use. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export function isBackendChoice(name: string): name is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(name);
}

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
