/** Globals a cell may not redeclare at its top level: JavaScript's built-ins, Node's core globals, the cell API. */
import { runInNewContext } from 'node:vm';

const NODE_CORE = [
  'global',
  'process',
  'Buffer',
  'console',
  'require',
  'module',
  'exports',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'structuredClone',
  'TextEncoder',
  'TextDecoder',
  'URL',
  'URLSearchParams',
  'AbortController',
  'AbortSignal',
  'EventTarget',
  'Event',
  'atob',
  'btoa',
];
const CELL_API = ['display', '__tunebook'];

let reserved: Set<string> | undefined;

export function isReservedName(name: string): boolean {
  reserved ??= new Set([
    ...(runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]),
    ...NODE_CORE,
    ...CELL_API,
  ]);
  return reserved.has(name);
}
