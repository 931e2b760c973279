/**
 * "Tunebook: Show Layer Freeze Map": a webview that draws a model held by the notebook's kernel,
 * colours its modules trainable / frozen / adapter and toggles them in the kernel at once. It redraws
 * after every cell (`models/changed`) and can insert the freeze/unfreeze calls that reproduce it.
 */
import * as vscode from 'vscode';
import {
  ModelLayersRequest,
  ModelSetTrainableRequest,
  ModelsChangedNotification,
  ModelsListRequest,
  type ModelLayersResult,
  type ModelSummary,
} from '../../kernel/protocol';
import { FreezeMapFromWebview, type FreezeMapToWebview } from '../../webviews/freezeMap/messages';
import { bodyPaths, buildDiagram, headPaths } from '../../webviews/freezeMap/diagram';
import { freezeCode } from '../../webviews/freezeMap/freezeCode';
import { formatCount } from '../../webviews/common/formatCount';
import { describeError, type Log } from '../common/log';
import type { NotebookRuntime, NotebookRuntimes } from '../kernel/notebookRuntimes';
import { CELL_LANGUAGE } from '../notebook/cellConversion';
import { PanelHost } from './panelHost';

export const FREEZE_MAP_VIEW_TYPE = 'tunebook.freezeMap';

export class FreezeMapPanels implements vscode.Disposable {
  private readonly open = new Map<string, FreezeMapPanel>();

  constructor(
    private readonly runtimes: NotebookRuntimes,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  /** Asks which model (when the kernel holds several) and opens or reveals its freeze map. */
  async show(notebook: vscode.NotebookDocument): Promise<boolean> {
    const runtime = this.runtimes.find(notebook);
    if (!runtime || runtime.session.state === 'none' || runtime.session.state === 'dead') {
      void vscode.window.showInformationMessage(
        'Tunebook: run a cell that creates a model first; the freeze map shows models held by the notebook kernel.',
      );
      return false;
    }
    const { models } = await runtime.session.request(ModelsListRequest.type, undefined);
    const model = await pickModel(models);
    if (!model) return false;
    const key = `${notebook.uri.toString()}#${model.name}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.reveal();
      return true;
    }
    const panel = new FreezeMapPanel(runtime, model.name, this.extensionUri, this.log);
    this.open.set(key, panel);
    panel.onDidDispose(() => this.open.delete(key));
    return true;
  }

  dispose(): void {
    for (const panel of [...this.open.values()]) panel.dispose();
    this.open.clear();
  }
}

async function pickModel(models: ModelSummary[]): Promise<ModelSummary | undefined> {
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      'Tunebook: the notebook kernel holds no model. Create or load one in a cell (e.g. `const model = await load(...)`), then show the freeze map.',
    );
    return undefined;
  }
  if (models.length === 1) return models[0];
  const picked = await vscode.window.showQuickPick(
    models.map((m) => ({
      label: m.name,
      description: `${m.architecture} · ${formatCount(m.trainableParams)} of ${formatCount(m.params)} trainable`,
      model: m,
    })),
    { placeHolder: 'Which model should the freeze map show?' },
  );
  return picked?.model;
}

class FreezeMapPanel {
  private readonly host: PanelHost<FreezeMapFromWebview, FreezeMapToWebview>;
  private readonly subscriptions: { dispose(): void }[] = [];
  private last: ModelLayersResult | undefined;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    private readonly runtime: NotebookRuntime,
    private readonly modelName: string,
    extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    this.host = new PanelHost({
      viewType: FREEZE_MAP_VIEW_TYPE,
      title: `Freeze Map: ${modelName}`,
      script: 'freezeMap',
      extensionUri,
      fromWebview: FreezeMapFromWebview,
      log,
    });
    this.onDidDispose = this.host.onDidDispose;
    this.subscriptions.push(
      this.host.onMessage((message) => this.handle(message)),
      runtime.session.onKernelNotification(ModelsChangedNotification.type, ({ models }) => {
        if (models.some((m) => m.name === modelName)) void this.refresh();
        else
          void this.host.post({
            type: 'freezeMap/unavailable',
            message: `The kernel no longer holds a model named ${modelName}.`,
          });
      }),
      runtime.session.onDidChangeState((state) => {
        if (state === 'none' || state === 'dead' || state === 'starting') {
          this.last = undefined;
          void this.host.post({
            type: 'freezeMap/unavailable',
            message: `The kernel stopped, so ${modelName} is gone. Run the cells that create it again.`,
          });
        }
      }),
    );
    this.host.onDidDispose(() => this.subscriptions.forEach((s) => s.dispose()));
  }

  reveal(): void {
    this.host.reveal();
  }

  dispose(): void {
    this.host.dispose();
  }

  private async handle(message: FreezeMapFromWebview): Promise<void> {
    switch (message.type) {
      case 'freezeMap/ready':
        return this.refresh();
      case 'freezeMap/setTrainable':
        return this.change([{ paths: message.paths, trainable: message.trainable }]);
      case 'freezeMap/preset': {
        if (message.preset === 'unfreezeAll') return this.change([{ paths: ['**'], trainable: true }]);
        const diagram = buildDiagram(this.last?.layers ?? []);
        const head = headPaths(diagram);
        return this.change([
          { paths: bodyPaths(diagram), trainable: false },
          ...(head.length ? [{ paths: head, trainable: true }] : []),
        ]);
      }
      case 'freezeMap/insertCode':
        return this.insertCode();
    }
  }

  private async refresh(): Promise<void> {
    try {
      this.last = await this.runtime.session.request(ModelLayersRequest.type, { model: this.modelName });
      await this.host.post({ type: 'freezeMap/show', model: this.last.model, layers: this.last.layers });
    } catch (error) {
      this.last = undefined;
      await this.host.post({ type: 'freezeMap/unavailable', message: messageOf(error) });
    }
  }

  private async change(steps: { paths: string[]; trainable: boolean }[]): Promise<void> {
    const nonEmpty = steps.filter((s) => s.paths.length > 0);
    if (nonEmpty.length === 0) return;
    await this.host.post({ type: 'freezeMap/busy', busy: true });
    try {
      for (const step of nonEmpty) {
        this.last = await this.runtime.session.request(ModelSetTrainableRequest.type, {
          model: this.modelName,
          ...step,
        });
      }
      if (this.last) await this.host.post({ type: 'freezeMap/show', model: this.last.model, layers: this.last.layers });
    } catch (error) {
      this.log.warn(`Freeze map for ${this.modelName}: ${describeError(error)}`);
      await this.host.post({ type: 'freezeMap/error', message: messageOf(error) });
      await this.refresh();
    } finally {
      await this.host.post({ type: 'freezeMap/busy', busy: false });
    }
  }

  /** Adds a code cell after the notebook's selected cell (or at the end) with the calls that reproduce the map. */
  private async insertCode(): Promise<void> {
    if (!this.last) await this.refresh();
    if (!this.last) return;
    const notebook = this.runtime.notebook;
    const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === notebook);
    const selected = editor?.selection;
    const index = selected && !selected.isEmpty ? selected.end : notebook.cellCount;
    const cell = new vscode.NotebookCellData(
      vscode.NotebookCellKind.Code,
      freezeCode(this.modelName, this.last.layers),
      CELL_LANGUAGE,
    );
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(index, [cell])]);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied)
      await this.host.post({
        type: 'freezeMap/error',
        message: 'VS Code did not insert the cell (is the notebook read-only?).',
      });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
