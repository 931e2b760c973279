/**
 * The webview side of the panel plumbing: typed posting to the extension and validated receiving —
 * a message that fails its schema is reported on the console and ignored.
 */
import { parseMessage } from './parseMessage';
import type { Schema } from './schema';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;
/** acquireVsCodeApi may be called once per page; every caller shares this one. */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

export function postToExtension<M extends { type: string }>(message: M): void {
  vscodeApi().postMessage(message);
}

/** Calls `handler` with each valid message from the extension; returns a function that stops listening. */
export function onExtensionMessage<M>(schema: Schema<M>, handler: (message: M) => void): () => void {
  const listener = (event: MessageEvent<unknown>) => {
    const parsed = parseMessage(schema, event.data);
    if (!parsed.ok) {
      console.warn(`Tunebook panel ignored a message: ${parsed.error}`);
      return;
    }
    handler(parsed.message);
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
