/**
 * The `display` global of cells (also handed to the engine through the kernel bridge) and the
 * rendering of values into output items.
 */
import { inspect } from 'node:util';
import { MIME, type OutputItem } from '../protocol';
import { DISPLAY_SYMBOL, type DisplayFunction, type DisplayHandle } from '../engine/runtime/kernelBridge';
import { renderTable } from './table';

/** Where display output goes: the kernel session turns these into `cell/display` notifications. */
export interface DisplayTarget {
  /** The execution that a new output belongs to (the running cell, else the last one). */
  currentExecutionId(): string;
  send(executionId: string, outputId: string, op: 'append' | 'replace', items: OutputItem[]): void;
}

let outputCounter = 0;
const handles = new WeakSet<object>();

/** Handles are what `display(...)` returns; a cell ending in `display(...)` shows no second output for them. */
export function isDisplayHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && handles.has(value);
}

export function createDisplay(target: DisplayTarget): DisplayFunction {
  const show =
    <T>(render: (value: T) => OutputItem[]) =>
    (value: T): DisplayHandle<T> => {
      const executionId = target.currentExecutionId();
      const outputId = `out-${process.pid}-${++outputCounter}`;
      target.send(executionId, outputId, 'append', render(value));
      const handle: DisplayHandle<T> = {
        outputId,
        update: (next: T) => target.send(executionId, outputId, 'replace', render(next)),
      };
      handles.add(handle);
      return handle;
    };
  return Object.assign(
    show<unknown>((v) => itemsForValue(v, 'display')),
    {
      markdown: show<string>((text) => [{ mime: MIME.markdown, data: String(text) }]),
      html: show<string>((html) => [{ mime: MIME.html, data: String(html) }]),
      json: show<unknown>(jsonItems),
      table: show<readonly unknown[]>((rows) => {
        const table = renderTable(rows);
        return [
          { mime: MIME.html, data: table.html },
          { mime: MIME.text, data: table.text },
        ];
      }),
      image: show<Uint8Array | ArrayBuffer>((png) => pngItems(png, true)),
    },
  );
}

/**
 * Items for a value: its own rendering if it is displayable, PNG bytes as an image, a tensor as its
 * printout, anything else inspected. A string passed to `display` is shown as is; as a cell's final
 * value it is shown quoted, like the Node REPL does.
 */
export function itemsForValue(value: unknown, as: 'display' | 'result'): OutputItem[] {
  if (isDisplayable(value)) return checkedItems(value[DISPLAY_SYMBOL]());
  if (typeof value === 'string' && as === 'display') return [{ mime: MIME.text, data: value }];
  const bytes = asBytes(value);
  if (bytes && isPng(bytes)) return pngItems(bytes, false);
  if (isTensorLike(value)) return [{ mime: MIME.text, data: value.toString() }];
  return [
    { mime: MIME.text, data: inspect(value, { depth: 4, colors: false, maxArrayLength: 100, breakLength: 100 }) },
  ];
}

function jsonItems(value: unknown): OutputItem[] {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  if (text === undefined) throw new TypeError(`display.json cannot show ${typeof value} values.`);
  return [{ mime: MIME.json, data: text }];
}

function pngItems(value: unknown, strict: boolean): OutputItem[] {
  const bytes = asBytes(value);
  if (!bytes || (strict && !isPng(bytes))) {
    throw new TypeError(
      `display.image expects PNG bytes (a Uint8Array, Buffer or ArrayBuffer starting with the PNG signature); got ${bytes ? `${bytes.length} bytes that are not a PNG` : typeof value}.`,
    );
  }
  return [
    {
      mime: MIME.png,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      encoding: 'base64',
    },
    { mime: MIME.text, data: `[PNG image, ${bytes.length} bytes]` },
  ];
}

function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function isDisplayable(value: unknown): value is { [DISPLAY_SYMBOL](): unknown } {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Record<symbol, unknown>)[DISPLAY_SYMBOL] === 'function'
  );
}

function checkedItems(items: unknown): OutputItem[] {
  const ok =
    Array.isArray(items) &&
    items.every(
      (i) =>
        i !== null &&
        typeof i === 'object' &&
        typeof (i as OutputItem).mime === 'string' &&
        typeof (i as OutputItem).data === 'string',
    );
  if (!ok)
    throw new TypeError(
      'A [Symbol.for("tunebook.display")]() method must return an array of { mime: string, data: string } items.',
    );
  return items as OutputItem[];
}

function isTensorLike(value: unknown): value is { toString(): string } {
  if (value === null || typeof value !== 'object') return false;
  const t = value as Record<string, unknown>;
  return Array.isArray(t.shape) && typeof t.dtype === 'string' && 'dataId' in t && typeof t.dataSync === 'function';
}
