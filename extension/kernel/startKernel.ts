/** Starts a kernel process for a notebook with the settings of now. The only user of kernel/client. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { KernelClient } from '../../kernel/client';
import type { Log } from '../common/log';
import { readSettings } from '../common/settings';
import type { SessionKernel } from './kernelSession';
import { notebookDirectory } from './notebookDirectory';

export async function startKernel(
  notebook: vscode.NotebookDocument,
  extensionUri: vscode.Uri,
  log: Log,
): Promise<SessionKernel> {
  const settings = readSettings(notebook.uri);
  const notebookDir = notebookDirectory(notebook.uri);
  const runtime = settings.nodePath || `VS Code's runtime (${process.execPath})`;
  log.info(
    `Starting a kernel for ${notebook.uri.toString(true)}: backend ${settings.backend}, node ${runtime}, folder ${notebookDir}`,
  );
  const client = await KernelClient.start({
    kernelScript: path.join(extensionUri.fsPath, 'dist', 'kernel.js'),
    nodePath: settings.nodePath || undefined,
    notebookDir,
    backend: settings.backend,
  });
  log.info(`Kernel started (pid ${String(client.pid)}) for ${notebook.uri.toString(true)}`);
  client.onDidLog((entry) =>
    log[entry.level === 'error' ? 'error' : entry.level === 'warn' ? 'warn' : 'info'](
      `[kernel ${String(client.pid)}] ${entry.message}`,
    ),
  );
  return client;
}
