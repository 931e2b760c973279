/**
 * The engine's view of the kernel it runs in.
 *
 * dist/engine.js and dist/kernel.js are separate bundles that share no module state, so the kernel
 * publishes a small object on `globalThis[Symbol.for('tunebook.kernel')]` and the engine reads it here.
 * Outside a kernel (unit tests, benchmarks, plain Node) there is no bridge: `currentSignal()` is
 * undefined and `display()` draws nothing.
 */
import type { ModelDownloadProgressParams, OutputItem } from '../../protocol';

export const KERNEL_BRIDGE_KEY: unique symbol = Symbol.for('tunebook.kernel') as never;

/**
 * A value with a method under this key chooses how `display(value)` (and a cell's final
 * expression) draws it: return output items, e.g. `[{ mime: 'text/html', data: '<b>hi</b>' }]`.
 */
export const DISPLAY_SYMBOL: unique symbol = Symbol.for('tunebook.display') as never;

export interface Displayable {
  [DISPLAY_SYMBOL](): OutputItem[];
}

/** One output of a cell; `update` redraws it in place. */
export interface DisplayHandle<T = unknown> {
  readonly outputId: string;
  update(value: T): void;
}

/** The `display` global of a cell. */
export interface DisplayFunction {
  (value: unknown): DisplayHandle;
  markdown(text: string): DisplayHandle<string>;
  html(html: string): DisplayHandle<string>;
  json(value: unknown): DisplayHandle;
  /** Rows of objects (columns are the union of their keys) or of arrays. */
  table(rows: readonly unknown[]): DisplayHandle<readonly unknown[]>;
  /** PNG bytes. */
  image(png: Uint8Array | ArrayBuffer): DisplayHandle<Uint8Array | ArrayBuffer>;
}

export interface KernelBridge {
  /** The abort signal of the running cell; aborted when the user interrupts it. */
  currentSignal(): AbortSignal | undefined;
  display: DisplayFunction;
  /** Tells the client about a Hub download (VS Code shows it in its progress UI); the kernel adds the cell. */
  reportDownload?(progress: DownloadReport): void;
}

/** A Hub download's progress as the engine reports it. */
export type DownloadReport = Omit<ModelDownloadProgressParams, 'executionId'>;

export function kernelBridge(): KernelBridge | undefined {
  return (globalThis as Record<symbol, KernelBridge | undefined>)[KERNEL_BRIDGE_KEY];
}

export function insideKernel(): boolean {
  return kernelBridge() !== undefined;
}

/** The running cell's abort signal, or undefined outside a kernel or between cells. */
export function currentSignal(): AbortSignal | undefined {
  return kernelBridge()?.currentSignal();
}

/** Throws the interrupt reason when the running cell was interrupted; training loops call it every step. */
export function throwIfInterrupted(): void {
  currentSignal()?.throwIfAborted();
}

/** The kernel's display function, or one that draws nothing outside a kernel. */
export function display(): DisplayFunction {
  return kernelBridge()?.display ?? noDisplay;
}

let detachedOutputs = 0;
function detachedHandle<T>(): DisplayHandle<T> {
  return { outputId: `detached-${++detachedOutputs}`, update: () => undefined };
}
const noDisplay: DisplayFunction = Object.assign((_value: unknown) => detachedHandle(), {
  markdown: (_text: string) => detachedHandle<string>(),
  html: (_html: string) => detachedHandle<string>(),
  json: (_value: unknown) => detachedHandle(),
  table: (_rows: readonly unknown[]) => detachedHandle<readonly unknown[]>(),
  image: (_png: Uint8Array | ArrayBuffer) => detachedHandle<Uint8Array | ArrayBuffer>(),
});
