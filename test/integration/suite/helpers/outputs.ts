// Reads notebook cell outputs as plain data the tests can assert on.
import type * as vscode from 'vscode';

export const STDOUT = 'application/vnd.code.notebook.stdout';
export const STDERR = 'application/vnd.code.notebook.stderr';
export const ERROR = 'application/vnd.code.notebook.error';
export const TEXT = 'text/plain';

const decoder = new TextDecoder();

export interface OutputItemText {
  mime: string;
  text: string;
}

export function outputItems(cell: vscode.NotebookCell): OutputItemText[] {
  return cell.outputs.flatMap((o) => o.items.map((i) => ({ mime: i.mime, text: decoder.decode(i.data) })));
}

/** All text of one mime across the cell's outputs, concatenated in order. */
export function textOf(cell: vscode.NotebookCell, mime: string): string {
  return outputItems(cell)
    .filter((i) => i.mime === mime)
    .map((i) => i.text)
    .join('');
}

export interface CellError {
  name: string;
  message: string;
  stack?: string;
}

export function errorsOf(cell: vscode.NotebookCell): CellError[] {
  return outputItems(cell)
    .filter((i) => i.mime === ERROR)
    .map((i) => JSON.parse(i.text) as CellError);
}

/** A readable dump for assertion messages. */
export function describeOutputs(cell: vscode.NotebookCell): string {
  const items = outputItems(cell).map((i) => `${i.mime}: ${JSON.stringify(i.text.slice(0, 400))}`);
  return `cell ${cell.index} (success=${cell.executionSummary?.success}) outputs:\n  ${items.join('\n  ') || '(none)'}`;
}
