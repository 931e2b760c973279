/**
 * Checks that a JSON value is shaped like a .ftnb v1 notebook and copies it into fresh objects
 * whose keys are in the format's canonical order. Used both when reading (value from JSON.parse)
 * and before writing (value built by a caller), so nothing is ever written that cannot be read.
 */
import type { OutputItem } from '../protocol';
import { FreeformJsonError, canonicalJsonCopy } from './freeformJson';
import { FTNB_VERSION, type FtnbCell, type FtnbExecution, type FtnbNotebook, type FtnbOutput } from './ftnbTypes';

/** Where the value is and what is wrong with it; ftnb.ts turns it into an FtnbFormatError. */
export class ShapeProblem extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly isNewerVersion = false,
  ) {
    super(`${path || '(top level)'} ${detail}`);
  }
}

const NOTEBOOK_KEYS = ['tunebook', 'metadata', 'cells'];
const CELL_KEYS = ['kind', 'language', 'source', 'outputs', 'execution', 'metadata'];
const OUTPUT_KEYS = ['items', 'metadata'];
const ITEM_KEYS = ['mime', 'data', 'encoding'];
const EXECUTION_KEYS = ['order', 'success', 'durationMs'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function checkNotebookShape(value: unknown): FtnbNotebook {
  const top = expectObject(value, '', 'the file must hold a JSON object');
  if (top.tunebook === undefined) {
    throw new ShapeProblem('tunebook', 'is missing: a Tunebook notebook starts with {"tunebook": 1, ...}');
  }
  const version = top.tunebook;
  if (typeof version === 'number' && Number.isInteger(version) && version > FTNB_VERSION) {
    throw new ShapeProblem('tunebook', `is ${version}`, true);
  }
  if (version !== FTNB_VERSION)
    throw new ShapeProblem('tunebook', `must be ${FTNB_VERSION}, found ${describe(version)}`);
  rejectUnknownKeys(top, NOTEBOOK_KEYS, '');
  if (!Array.isArray(top.cells)) throw new ShapeProblem('cells', `must be an array, found ${describe(top.cells)}`);
  return {
    tunebook: FTNB_VERSION,
    metadata: top.metadata === undefined ? {} : freeformObject(top.metadata, 'metadata'),
    cells: top.cells.map((cell, index) => checkCell(cell, `cells[${index}]`)),
  };
}

function checkCell(value: unknown, path: string): FtnbCell {
  const cell = expectObject(value, path);
  rejectUnknownKeys(cell, CELL_KEYS, path);
  if (cell.kind !== 'markdown' && cell.kind !== 'code') {
    throw new ShapeProblem(`${path}.kind`, `must be "markdown" or "code", found ${describe(cell.kind)}`);
  }
  if (cell.language !== undefined && (typeof cell.language !== 'string' || cell.language === '')) {
    throw new ShapeProblem(`${path}.language`, `must be a non-empty string, found ${describe(cell.language)}`);
  }
  if (typeof cell.source !== 'string')
    throw new ShapeProblem(`${path}.source`, `must be a string, found ${describe(cell.source)}`);
  // Keys are added in the format's canonical order: kind, language, source, outputs, execution, metadata.
  const out: FtnbCell =
    cell.language === undefined
      ? { kind: cell.kind, source: cell.source }
      : { kind: cell.kind, language: cell.language as string, source: cell.source };
  if (cell.outputs !== undefined) {
    if (cell.kind === 'markdown')
      throw new ShapeProblem(`${path}.outputs`, 'is not allowed: markdown cells have no outputs');
    if (!Array.isArray(cell.outputs))
      throw new ShapeProblem(`${path}.outputs`, `must be an array, found ${describe(cell.outputs)}`);
    out.outputs = cell.outputs.map((output, index) => checkOutput(output, `${path}.outputs[${index}]`));
  }
  if (cell.execution !== undefined) {
    if (cell.kind === 'markdown')
      throw new ShapeProblem(`${path}.execution`, 'is not allowed: markdown cells are not executed');
    out.execution = checkExecution(cell.execution, `${path}.execution`);
  }
  if (cell.metadata !== undefined) out.metadata = freeformObject(cell.metadata, `${path}.metadata`);
  return out;
}

function checkOutput(value: unknown, path: string): FtnbOutput {
  const output = expectObject(value, path);
  rejectUnknownKeys(output, OUTPUT_KEYS, path);
  if (!Array.isArray(output.items))
    throw new ShapeProblem(`${path}.items`, `must be an array, found ${describe(output.items)}`);
  const out: FtnbOutput = { items: output.items.map((item, index) => checkItem(item, `${path}.items[${index}]`)) };
  if (output.metadata !== undefined) out.metadata = freeformObject(output.metadata, `${path}.metadata`);
  return out;
}

function checkItem(value: unknown, path: string): OutputItem {
  const item = expectObject(value, path);
  rejectUnknownKeys(item, ITEM_KEYS, path);
  if (typeof item.mime !== 'string' || item.mime === '') {
    throw new ShapeProblem(`${path}.mime`, `must be a non-empty string, found ${describe(item.mime)}`);
  }
  if (typeof item.data !== 'string')
    throw new ShapeProblem(`${path}.data`, `must be a string, found ${describe(item.data)}`);
  const out: OutputItem = { mime: item.mime, data: item.data };
  if (item.encoding !== undefined) {
    if (item.encoding !== 'base64')
      throw new ShapeProblem(`${path}.encoding`, `must be "base64" when present, found ${describe(item.encoding)}`);
    if (!BASE64.test(item.data))
      throw new ShapeProblem(`${path}.data`, 'is marked "encoding": "base64" but is not valid base64');
    out.encoding = 'base64';
  }
  return out;
}

function checkExecution(value: unknown, path: string): FtnbExecution {
  const execution = expectObject(value, path);
  rejectUnknownKeys(execution, EXECUTION_KEYS, path);
  const out: FtnbExecution = {};
  if (execution.order !== undefined) {
    if (typeof execution.order !== 'number' || !Number.isSafeInteger(execution.order) || execution.order < 0) {
      throw new ShapeProblem(`${path}.order`, `must be a whole number >= 0, found ${describe(execution.order)}`);
    }
    out.order = execution.order;
  }
  if (execution.success !== undefined) {
    if (typeof execution.success !== 'boolean')
      throw new ShapeProblem(`${path}.success`, `must be true or false, found ${describe(execution.success)}`);
    out.success = execution.success;
  }
  if (execution.durationMs !== undefined) {
    if (
      typeof execution.durationMs !== 'number' ||
      !Number.isFinite(execution.durationMs) ||
      execution.durationMs < 0
    ) {
      throw new ShapeProblem(
        `${path}.durationMs`,
        `must be a finite number >= 0, found ${describe(execution.durationMs)}`,
      );
    }
    out.durationMs = execution.durationMs;
  }
  return out;
}

function freeformObject(value: unknown, path: string): Record<string, unknown> {
  expectObject(value, path);
  try {
    return canonicalJsonCopy(value) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof FreeformJsonError) throw new ShapeProblem(`${path}${error.relativePath}`, error.reason);
    throw error;
  }
}

function expectObject(value: unknown, path: string, message?: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ShapeProblem(
      path,
      message ? `${message}, found ${describe(value)}` : `must be an object, found ${describe(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(value: Record<string, unknown>, known: string[], path: string): void {
  for (const key of Object.keys(value)) {
    // undefined counts as absent: callers building notebooks in code may leave optional fields undefined.
    if (!known.includes(key) && value[key] !== undefined) {
      const where = path ? `${path}.${key}` : key;
      throw new ShapeProblem(
        where,
        `is not a known property (known here: ${known.join(', ')}); put extra data under "metadata"`,
      );
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
