/** OutputRouter's target for a real cell: edits a vscode.NotebookCellExecution's outputs. */
import * as vscode from 'vscode';
import type { OutputItem } from '../../kernel/protocol';
import { itemToPlain } from './cellConversion';
import type { OutputTarget } from './outputRouter';

export class ExecutionTarget implements OutputTarget<vscode.NotebookCellOutput> {
  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  async appendOutput(items: OutputItem[]): Promise<vscode.NotebookCellOutput> {
    const output = new vscode.NotebookCellOutput(items.map(toVscodeItem));
    await this.execution.appendOutput(output);
    return output;
  }

  async appendItems(output: vscode.NotebookCellOutput, items: OutputItem[]): Promise<void> {
    await this.execution.appendOutputItems(items.map(toVscodeItem), output);
  }

  async replaceItems(output: vscode.NotebookCellOutput, items: OutputItem[]): Promise<void> {
    await this.execution.replaceOutputItems(items.map(toVscodeItem), output);
  }
}

export function toVscodeItem(item: OutputItem): vscode.NotebookCellOutputItem {
  const plain = itemToPlain(item);
  return new vscode.NotebookCellOutputItem(plain.data, plain.mime);
}
