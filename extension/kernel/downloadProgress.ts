/** Shows a notebook's Hugging Face Hub downloads in VS Code's progress UI (downloadProgressAdapter.ts decides what). */
import * as vscode from 'vscode';
import { ModelDownloadProgressNotification } from '../../kernel/protocol';
import { DownloadProgressAdapter } from './downloadProgressAdapter';
import type { KernelSession } from './kernelSession';

/** `interrupt` runs when the user cancels a download: like the notebook's interrupt button. */
export function showDownloadProgress(session: KernelSession, interrupt: () => unknown): vscode.Disposable {
  const adapter = new DownloadProgressAdapter(
    (title, task) =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, task),
    interrupt,
  );
  const notifications = session.onKernelNotification(ModelDownloadProgressNotification.type, (params) =>
    adapter.handle(params),
  );
  const state = session.onDidChangeState((s) => {
    if (s === 'none' || s === 'dead' || s === 'starting') adapter.dispose();
  });
  return new vscode.Disposable(() => {
    notifications.dispose();
    state.dispose();
    adapter.dispose();
  });
}
