/**
 * .ftnb notebooks <-> the plain cell-data shape the serializer hands to VS Code.
 * Free of `vscode` so it is unit-tested directly; ftnbSerializer.ts maps the plain shape
 * onto vscode.NotebookData one field at a time.
 */
import type { FtnbCell, FtnbExecution, FtnbNotebook, FtnbOutput } from '../../kernel/format/ftnb';
import { isTextMime } from '../../kernel/format/mime';
import type { OutputItem } from '../../kernel/protocol';

export const CELL_LANGUAGE = 'typescript';
export const MARKDOWN_LANGUAGE = 'markdown';

export interface PlainOutputItem {
  mime: string;
  data: Uint8Array;
}

export interface PlainOutput {
  items: PlainOutputItem[];
  metadata?: Record<string, unknown>;
}

export interface PlainExecutionSummary {
  executionOrder?: number;
  success?: boolean;
  timing?: { startTime: number; endTime: number };
}

export interface PlainCell {
  kind: 'markup' | 'code';
  value: string;
  languageId: string;
  outputs?: PlainOutput[];
  executionSummary?: PlainExecutionSummary;
  metadata?: Record<string, unknown>;
}

export interface PlainNotebook {
  cells: PlainCell[];
  metadata?: Record<string, unknown>;
}

export interface ToFtnbOptions {
  /** false: outputs and execution summaries are left out of the file (the `tunebook.saveOutputs` setting). */
  saveOutputs: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function ftnbToPlain(notebook: FtnbNotebook): PlainNotebook {
  return { metadata: notebook.metadata, cells: notebook.cells.map(cellToPlain) };
}

export function plainToFtnb(notebook: PlainNotebook, options: ToFtnbOptions): FtnbNotebook {
  return {
    tunebook: 1,
    metadata: notebook.metadata ?? {},
    cells: notebook.cells.map((cell) => cellToFtnb(cell, options)),
  };
}

function cellToPlain(cell: FtnbCell): PlainCell {
  const plain: PlainCell =
    cell.kind === 'markdown'
      ? { kind: 'markup', value: cell.source, languageId: cell.language ?? MARKDOWN_LANGUAGE }
      : { kind: 'code', value: cell.source, languageId: cell.language ?? CELL_LANGUAGE };
  if (cell.outputs) plain.outputs = cell.outputs.map(outputToPlain);
  if (cell.execution) plain.executionSummary = executionToPlain(cell.execution);
  if (cell.metadata) plain.metadata = cell.metadata;
  return plain;
}

function cellToFtnb(cell: PlainCell, options: ToFtnbOptions): FtnbCell {
  if (cell.kind === 'markup') {
    const markdown: FtnbCell = { kind: 'markdown', source: cell.value };
    if (cell.languageId && cell.languageId !== MARKDOWN_LANGUAGE) markdown.language = cell.languageId;
    if (cell.metadata && Object.keys(cell.metadata).length > 0) markdown.metadata = cell.metadata;
    return markdown;
  }
  const code: FtnbCell = { kind: 'code', language: cell.languageId || CELL_LANGUAGE, source: cell.value };
  if (options.saveOutputs && cell.outputs && cell.outputs.length > 0) code.outputs = cell.outputs.map(outputToFtnb);
  const execution = options.saveOutputs && cell.executionSummary ? executionToFtnb(cell.executionSummary) : undefined;
  if (execution && Object.keys(execution).length > 0) code.execution = execution;
  if (cell.metadata && Object.keys(cell.metadata).length > 0) code.metadata = cell.metadata;
  return code;
}

function outputToPlain(output: FtnbOutput): PlainOutput {
  const plain: PlainOutput = { items: output.items.map(itemToPlain) };
  if (output.metadata) plain.metadata = output.metadata;
  return plain;
}

function outputToFtnb(output: PlainOutput): FtnbOutput {
  const ftnb: FtnbOutput = { items: output.items.map(itemToFtnb) };
  if (output.metadata && Object.keys(output.metadata).length > 0) ftnb.metadata = output.metadata;
  return ftnb;
}

export function itemToPlain(item: OutputItem): PlainOutputItem {
  return {
    mime: item.mime,
    data: item.encoding === 'base64' ? new Uint8Array(Buffer.from(item.data, 'base64')) : encoder.encode(item.data),
  };
}

/** Text mimes are stored as text when their bytes are UTF-8; everything else as base64. */
export function itemToFtnb(item: PlainOutputItem): OutputItem {
  if (isTextMime(item.mime)) {
    try {
      return { mime: item.mime, data: utf8.decode(item.data) };
    } catch {
      // not UTF-8: fall through to base64 so no byte is lost
    }
  }
  return {
    mime: item.mime,
    data: Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength).toString('base64'),
    encoding: 'base64',
  };
}

/** The file keeps only a duration; VS Code wants start/end times, so the start is placed at 0. */
function executionToPlain(execution: FtnbExecution): PlainExecutionSummary {
  const summary: PlainExecutionSummary = {};
  if (execution.order !== undefined) summary.executionOrder = execution.order;
  if (execution.success !== undefined) summary.success = execution.success;
  if (execution.durationMs !== undefined) summary.timing = { startTime: 0, endTime: execution.durationMs };
  return summary;
}

function executionToFtnb(summary: PlainExecutionSummary): FtnbExecution {
  const execution: FtnbExecution = {};
  if (
    summary.executionOrder !== undefined &&
    Number.isSafeInteger(summary.executionOrder) &&
    summary.executionOrder >= 0
  ) {
    execution.order = summary.executionOrder;
  }
  if (typeof summary.success === 'boolean') execution.success = summary.success;
  if (summary.timing) {
    const duration = summary.timing.endTime - summary.timing.startTime;
    if (Number.isFinite(duration) && duration >= 0) execution.durationMs = duration;
  }
  return execution;
}
