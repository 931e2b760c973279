// Opening Tunebook notebooks, picking the Tunebook controller and running cells through
// the same commands a user's clicks and keybindings trigger.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describeOutputs } from './outputs';
import { waitUntil } from './wait';
import { CONTROLLER_ID, NOTEBOOK_TYPE } from '../../../../extension/notebook/notebookType';

export { CONTROLLER_ID, NOTEBOOK_TYPE };
export const EXTENSION_ID = 'tunebook.tunebook';

export async function activateTunebook(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in the extension host`);
  await ext.activate();
  // Opening a .ftnb before the serializer and commands exist would open it as text.
  await waitUntil(
    'Tunebook commands to be registered',
    async () => (await vscode.commands.getCommands(true)).some((c) => c.startsWith('tunebook.')),
    30_000,
  );
}

export async function openNotebook(file: string): Promise<vscode.NotebookEditor> {
  await activateTunebook();
  const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
  assert.equal(doc.notebookType, NOTEBOOK_TYPE, `${file} did not open as a Tunebook notebook`);
  const editor = await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', {
    notebookEditor: editor,
    id: CONTROLLER_ID,
    extension: EXTENSION_ID,
  });
  return editor;
}

type Summary = vscode.NotebookCellExecutionSummary | undefined;

function sameSummary(a: Summary, b: Summary): boolean {
  return (
    a?.executionOrder === b?.executionOrder &&
    a?.success === b?.success &&
    a?.timing?.startTime === b?.timing?.startTime &&
    a?.timing?.endTime === b?.timing?.endTime
  );
}

/** Resolves once each given cell has a finished execution newer than the one it had before. */
export interface PendingRun {
  done: Promise<void>;
}

/**
 * Starts the given cells with `notebook.cell.execute` (or all cells with `notebook.execute`)
 * and returns a handle whose `done` settles when every cell's run has ended.
 */
export function startCells(editor: vscode.NotebookEditor, indexes: number[] | 'all', timeoutMs: number): PendingRun {
  const nb = editor.notebook;
  const cells =
    indexes === 'all'
      ? nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code)
      : indexes.map((i) => nb.cellAt(i));
  const before = new Map(cells.map((c) => [c, c.executionSummary]));
  const started = new Set<vscode.NotebookCell>();
  const sub = vscode.workspace.onDidChangeNotebookDocument((e) => {
    if (e.notebook !== nb) return;
    for (const ch of e.cellChanges) {
      if (before.has(ch.cell) && ch.executionSummary && ch.executionSummary.success === undefined) started.add(ch.cell);
    }
  });
  const finished = (c: vscode.NotebookCell) =>
    c.executionSummary?.success !== undefined && (started.has(c) || !sameSummary(c.executionSummary, before.get(c)));
  const command =
    indexes === 'all'
      ? vscode.commands.executeCommand('notebook.execute', nb.uri)
      : vscode.commands.executeCommand('notebook.cell.execute', {
          ranges: indexes.map((i) => ({ start: i, end: i + 1 })),
          document: nb.uri,
        });
  const commandFailure = Promise.resolve(command).then(
    () => undefined,
    (err: unknown) => err,
  );
  const done = (async () => {
    try {
      await waitUntil(
        `cells ${cells.map((c) => c.index).join(', ')} to finish running`,
        async () => {
          const failure = await Promise.race([commandFailure, Promise.resolve('pending' as const)]);
          if (failure !== 'pending' && failure !== undefined) throw failure;
          return cells.every(finished);
        },
        timeoutMs,
      );
    } catch (err) {
      const dump = cells.map(describeOutputs).join('\n');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${dump}`);
    } finally {
      sub.dispose();
    }
  })();
  return { done };
}

export async function runCells(
  editor: vscode.NotebookEditor,
  indexes: number[] | 'all',
  timeoutMs = 60_000,
): Promise<void> {
  await startCells(editor, indexes, timeoutMs).done;
}

/**
 * Reverts and closes every editor: running cells leaves notebooks dirty, and closing a dirty
 * editor would open a save dialog nobody answers. Closing a notebook also shuts its kernel down.
 */
export async function closeAllEditors(): Promise<void> {
  for (let i = 0; i < 20 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
