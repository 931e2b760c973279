/** The Tunebook commands. Registered first thing on activation. */
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { describeError, type Log } from './common/log';
import type { NotebookRuntimes } from './kernel/notebookRuntimes';
import type { TunebookController } from './notebook/controller';
import type { FreezeMapPanels } from './panels/freezeMap';
import { NOTEBOOK_TYPE } from './notebook/notebookType';
import { UNTRUSTED_ERROR, canRunCells } from './notebook/workspaceTrust';
import { CELL_LANGUAGE, MARKDOWN_LANGUAGE } from './notebook/cellConversion';
import type { PromptComparePanels } from './panels/promptCompare';
import type { RankingViewProvider } from './panels/ranking';
import { openExample } from './walkthrough/openExample';

/** What the commands act on; filled in as activation proceeds, so commands exist before the rest. */
export interface CommandDeps {
  log: Log;
  /** Where the extension is installed (its examples/ folder). */
  extensionUri?: vscode.Uri;
  runtimes?: NotebookRuntimes;
  controller?: TunebookController;
  freezeMaps?: FreezeMapPanels;
  /** Webview panels (ranking side panel, prompt comparison). */
  ranking?: RankingViewProvider;
  promptCompare?: PromptComparePanels;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.newNotebook, () => guarded(deps.log, 'create a notebook', newNotebook)),
    vscode.commands.registerCommand(COMMANDS.restartKernel, (arg?: unknown) =>
      guarded(deps.log, 'restart the kernel', async () => {
        const notebook = targetNotebook(arg);
        if (!notebook || !deps.runtimes)
          return void vscode.window.showInformationMessage('Tunebook: open a .ftnb notebook to restart its kernel.');
        if (!canRunCells()) return void vscode.window.showWarningMessage(UNTRUSTED_ERROR.message);
        const runtime = deps.runtimes.get(notebook);
        runtime.queue.cancelPending();
        await runtime.session.restart();
        return true;
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.interruptKernel, (arg?: unknown) =>
      guarded(deps.log, 'interrupt the kernel', async () => {
        const notebook = targetNotebook(arg);
        if (!notebook || !deps.controller)
          return void vscode.window.showInformationMessage('Tunebook: open a .ftnb notebook to interrupt its kernel.');
        await deps.controller.interrupt(notebook);
        return true;
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.showLog, () => deps.log.show()),
    vscode.commands.registerCommand(COMMANDS.openExample, (arg?: unknown) =>
      guarded(deps.log, 'open the example', async () => {
        if (!deps.extensionUri)
          throw new Error('the extension folder is unknown; the Tunebook output channel has details');
        return openExample(deps.extensionUri, typeof arg === 'string' ? arg : undefined);
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.openRankingPanel, () =>
      guarded(deps.log, 'open the ranking panel', async () => {
        if (!deps.ranking) throw new Error('the ranking panel did not start; the Tunebook output channel has details');
        await deps.ranking.reveal();
        return true;
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.loadRankingQueue, (arg?: unknown) =>
      guarded(deps.log, 'load the ranking queue', async () => {
        if (!deps.ranking) throw new Error('the ranking panel did not start; the Tunebook output channel has details');
        return deps.ranking.loadQueue(
          arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined,
        );
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.comparePrompts, () =>
      guarded(deps.log, 'open the prompt comparison', async () => {
        if (!deps.promptCompare)
          throw new Error('the prompt comparison did not start; the Tunebook output channel has details');
        return deps.promptCompare.open();
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.showFreezeMap, (arg?: unknown) =>
      guarded(deps.log, 'show the layer freeze map', async () => {
        const notebook = targetNotebook(arg) ?? lastNotebook(deps);
        if (!notebook || !deps.freezeMaps)
          return void vscode.window.showInformationMessage(
            'Tunebook: open a .ftnb notebook whose kernel holds a model to show its freeze map.',
          );
        return deps.freezeMaps.show(notebook);
      }),
    ),
  ];
}

async function newNotebook(): Promise<vscode.NotebookDocument> {
  const data = new vscode.NotebookData([
    new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# New Tunebook notebook', MARKDOWN_LANGUAGE),
    new vscode.NotebookCellData(
      vscode.NotebookCellKind.Code,
      "console.log('Hello from Tunebook');\n1 + 1",
      CELL_LANGUAGE,
    ),
  ]);
  const notebook = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  await vscode.window.showNotebookDocument(notebook);
  return notebook;
}

/** The notebook a command is about: its argument (from a notebook toolbar or a test) or the active one. */
function targetNotebook(arg: unknown): vscode.NotebookDocument | undefined {
  const uri = uriFrom(arg);
  const notebook = uri
    ? vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === uri.toString())
    : vscode.window.activeNotebookEditor?.notebook;
  return notebook?.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
}

/** With a webview focused there is no active notebook editor: the one visible Tunebook notebook then. */
function lastNotebook(deps: CommandDeps): vscode.NotebookDocument | undefined {
  const visible = vscode.window.visibleNotebookEditors
    .map((e) => e.notebook)
    .filter((n) => n.notebookType === NOTEBOOK_TYPE);
  return visible.find((n) => deps.runtimes?.find(n)) ?? visible[0];
}

function uriFrom(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  if (arg && typeof arg === 'object') {
    const candidate = arg as { notebookEditor?: { notebookUri?: unknown }; notebookUri?: unknown; uri?: unknown };
    for (const value of [candidate.notebookEditor?.notebookUri, candidate.notebookUri, candidate.uri]) {
      if (value instanceof vscode.Uri) return value;
    }
  }
  return undefined;
}

async function guarded<T>(log: Log, what: string, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    log.error(`Could not ${what}`, describeError(error));
    void vscode.window.showErrorMessage(
      `Tunebook could not ${what}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
