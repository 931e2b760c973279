/**
 * VS Code <-> .ftnb files. Invalid files make deserializeNotebook throw the FtnbFormatError, so no notebook
 * model exists that could be saved over the file. VS Code itself only says "The editor could not be opened
 * due to an unexpected error", so the specific reason is also shown as an error notification and logged.
 */
import * as vscode from 'vscode';
import { parseFtnbBytes, serializeFtnbBytes } from '../../kernel/format/ftnb';
import { readSettings } from '../common/settings';
import { ftnbToPlain, plainToFtnb, type PlainCell, type PlainNotebook, type PlainOutput } from './cellConversion';

export class FtnbSerializer implements vscode.NotebookSerializer {
  constructor(private readonly log?: (message: string) => void) {}

  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    let plain: PlainNotebook;
    try {
      plain = ftnbToPlain(parseFtnbBytes(content, 'This .ftnb file'));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log?.(`Could not open a notebook: ${message}`);
      void vscode.window.showErrorMessage(
        `Tunebook could not open the notebook. ${message} The file was left unchanged.`,
      );
      throw error;
    }
    const data = new vscode.NotebookData(plain.cells.map(cellFromPlain));
    data.metadata = plain.metadata;
    return data;
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const { saveOutputs } = readSettings();
    return serializeFtnbBytes(plainToFtnb(notebookToPlain(data), { saveOutputs }));
  }
}

function cellFromPlain(plain: PlainCell): vscode.NotebookCellData {
  const kind = plain.kind === 'markup' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const cell = new vscode.NotebookCellData(kind, plain.value, plain.languageId);
  if (plain.outputs) {
    cell.outputs = plain.outputs.map(
      (output) =>
        new vscode.NotebookCellOutput(
          output.items.map((item) => new vscode.NotebookCellOutputItem(item.data, item.mime)),
          output.metadata,
        ),
    );
  }
  if (plain.executionSummary) cell.executionSummary = plain.executionSummary;
  if (plain.metadata) cell.metadata = plain.metadata;
  return cell;
}

function notebookToPlain(data: vscode.NotebookData): PlainNotebook {
  return { metadata: data.metadata, cells: data.cells.map(cellToPlain) };
}

function cellToPlain(cell: vscode.NotebookCellData): PlainCell {
  return {
    kind: cell.kind === vscode.NotebookCellKind.Markup ? 'markup' : 'code',
    value: cell.value,
    languageId: cell.languageId,
    outputs: cell.outputs?.map(outputToPlain),
    executionSummary: cell.executionSummary,
    metadata: cell.metadata,
  };
}

function outputToPlain(output: vscode.NotebookCellOutput): PlainOutput {
  return { items: output.items.map((item) => ({ mime: item.mime, data: item.data })), metadata: output.metadata };
}
