/** Status bar item for the active Tunebook notebook: kernel state and the backend setting. */
import * as vscode from 'vscode';
import { readSettings, SETTINGS } from '../common/settings';
import { NOTEBOOK_TYPE } from '../notebook/notebookType';
import type { SessionState } from './kernelSession';
import type { NotebookRuntimes } from './notebookRuntimes';
import { COMMANDS } from '../commandIds';

const LOOK: Record<SessionState, { icon: string; label: string }> = {
  none: { icon: '$(circle-outline)', label: 'no kernel' },
  starting: { icon: '$(loading~spin)', label: 'starting' },
  idle: { icon: '$(pass)', label: 'idle' },
  busy: { icon: '$(sync~spin)', label: 'busy' },
  dead: { icon: '$(error)', label: 'dead' },
};

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'tunebook.kernelStatus',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private readonly subscriptions: vscode.Disposable[] = [this.item];

  constructor(private readonly runtimes: NotebookRuntimes) {
    this.item.name = 'Tunebook Kernel';
    this.item.command = COMMANDS.showLog;
    this.subscriptions.push(
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
      runtimes.onDidChangeState(({ notebook }) => {
        if (notebook === vscode.window.activeNotebookEditor?.notebook) this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS.backend)) this.update();
      }),
    );
    this.update();
  }

  update(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
      this.item.hide();
      return;
    }
    const state = this.runtimes.find(notebook)?.session.state ?? 'none';
    const { backend } = readSettings(notebook.uri);
    const look = LOOK[state];
    this.item.text = `${look.icon} Tunebook: ${look.label} · ${backend}`;
    this.item.tooltip = `Tunebook kernel: ${look.label}. Backend setting: ${backend} (${SETTINGS.backend}). Click to show the Tunebook log.`;
    this.item.accessibilityInformation = { label: `Tunebook kernel ${look.label}, backend ${backend}` };
    this.item.backgroundColor = state === 'dead' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  /** What the item shows now, for tests and logs. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
