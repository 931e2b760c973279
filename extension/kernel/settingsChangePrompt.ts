/** When the backend or Node path setting changes, offers to restart the kernels that are running. */
import * as vscode from 'vscode';
import { describeError, type Log } from '../common/log';
import { affectsKernel, readSettings } from '../common/settings';
import type { NotebookRuntimes } from './notebookRuntimes';

export function watchKernelSettings(runtimes: NotebookRuntimes, log: Log): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (!affectsKernel(event)) return;
    const running = runtimes.withKernel();
    const { backend } = readSettings();
    log.info(`Kernel settings changed (backend ${backend}); ${running.length} kernel(s) running`);
    if (running.length === 0) return; // the next kernel to start uses the new settings
    const restart = running.length === 1 ? 'Restart Kernel' : 'Restart Kernels';
    const choice = await vscode.window.showInformationMessage(
      `Tunebook: the kernel settings changed (backend: ${backend}). Running kernels keep the old settings until restarted; restarting loses their variables.`,
      restart,
      'Later',
    );
    if (choice !== restart) return;
    for (const runtime of runtimes.withKernel()) {
      runtime.queue.cancelPending();
      try {
        await runtime.session.restart();
      } catch (error) {
        log.error(`Restarting the kernel of ${runtime.notebook.uri.toString(true)} failed`, describeError(error));
      }
    }
  });
}
