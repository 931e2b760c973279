/** Cells run only in trusted workspaces; in others each cell fails with this explanation. */
import * as vscode from 'vscode';

export const UNTRUSTED_ERROR = {
  name: 'WorkspaceNotTrusted',
  message:
    'Tunebook runs cells only in trusted workspaces, because cells run code on this machine. ' +
    'Trust this workspace (command "Workspaces: Manage Workspace Trust") and run the cell again.',
};

let warned = false;

export function canRunCells(): boolean {
  return vscode.workspace.isTrusted;
}

/** Shows the untrusted-workspace notice once per session, with a button to manage trust. */
export function warnUntrustedOnce(): void {
  if (warned) return;
  warned = true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showWarningMessage(UNTRUSTED_ERROR.message, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
