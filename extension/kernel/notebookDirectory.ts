/** The folder a notebook's kernel runs in (working directory and first npm resolution root). */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export function notebookDirectory(uri: vscode.Uri): string {
  if (uri.scheme === 'file') return path.dirname(uri.fsPath);
  // Untitled (or virtual) notebooks have no folder of their own.
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : os.homedir();
}
