// The test workspace: a temporary copy of test/fixtures/notebooks made by the launcher.
import * as vscode from 'vscode';
import { join } from 'node:path';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder (the launcher opens one)');
  return folder.uri.fsPath;
}

export function fixturePath(name: string): string {
  return join(workspaceDir(), name);
}
