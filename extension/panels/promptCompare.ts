/**
 * "Tunebook: Compare Prompts": an editor panel whose columns are variants (prompt template × model held by
 * the notebook kernel × decoding settings) and rows are inputs. The kernel fills the grid cell by cell,
 * streaming each output; the view scores the cells; 👍/👎 appends a rating to the preference store.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  PromptCompareCancelRequest,
  PromptCompareInputsRequest,
  PromptCompareOutputNotification,
  PromptCompareRunRequest,
  ModelsListRequest,
  type PromptCompareJob,
} from '../../kernel/protocol';
import { PreferenceStore, defaultAnnotator, makeRatingRecord } from '../../kernel/store/preferenceStore';
import { parseCompareRows } from '../../webviews/promptCompare/compareRows';
import { gridToCsv, gridToJsonl } from '../../webviews/promptCompare/gridExport';
import { applyTemplate } from '../../webviews/promptCompare/promptTemplate';
import {
  PromptCompareFromWebview,
  type CompareRow,
  type CompareVariant,
  type PromptCompareToWebview,
} from '../../webviews/promptCompare/messages';
import { describeError, type Log } from '../common/log';
import { readAnnotatorSetting } from '../common/settings';
import type { NotebookRuntime, NotebookRuntimes } from '../kernel/notebookRuntimes';
import { PanelHost } from './panelHost';

export const PROMPT_COMPARE_VIEW_TYPE = 'tunebook.promptCompare';

export class PromptComparePanels implements vscode.Disposable {
  private panel: PromptComparePanel | undefined;

  constructor(
    private readonly runtimes: () => NotebookRuntimes | undefined,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  /** Opens the comparison panel (or reveals the open one), bound to the active notebook's kernel. */
  open(): boolean {
    if (this.panel && !this.panel.host.isDisposed) {
      this.panel.host.reveal();
      return true;
    }
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    this.panel = new PromptComparePanel(() => findRuntime(this.runtimes(), notebook), this.extensionUri, this.log);
    this.panel.host.onDidDispose(() => (this.panel = undefined));
    return true;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function findRuntime(
  runtimes: NotebookRuntimes | undefined,
  notebook: vscode.NotebookDocument | undefined,
): NotebookRuntime | undefined {
  if (!runtimes) return undefined;
  const own = notebook ? runtimes.find(notebook) : undefined;
  return own && own.session.state !== 'none' ? own : runtimes.withKernel()[0];
}

class PromptComparePanel implements vscode.Disposable {
  readonly host: PanelHost<PromptCompareFromWebview, PromptCompareToWebview>;
  private readonly subscriptions: { dispose(): void }[] = [];
  private outputSubscription: { runtime: NotebookRuntime; subscription: { dispose(): void } } | undefined;
  private currentRun: { runId: string; runtime: NotebookRuntime } | undefined;

  constructor(
    private readonly runtime: () => NotebookRuntime | undefined,
    extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    this.host = new PanelHost({
      viewType: PROMPT_COMPARE_VIEW_TYPE,
      title: 'Compare Prompts',
      script: 'promptCompare',
      extensionUri,
      fromWebview: PromptCompareFromWebview,
      log,
      column: vscode.ViewColumn.Active,
      retainContextWhenHidden: true,
    });
    this.subscriptions.push(
      this.host.onMessage((message) => this.handle(message)),
      this.host.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    this.outputSubscription?.subscription.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.host.dispose();
  }

  private async handle(message: PromptCompareFromWebview): Promise<void> {
    try {
      switch (message.type) {
        case 'promptCompare/ready':
          return await this.sendModels();
        case 'promptCompare/run':
          return await this.run(message.runId, message.variants, message.rows);
        case 'promptCompare/cancel':
          if (this.currentRun?.runId === message.runId)
            await this.currentRun.runtime.session.request(PromptCompareCancelRequest.type, { runId: message.runId });
          return;
        case 'promptCompare/loadRows':
          return await this.loadRows(message.source, message.variable);
        case 'promptCompare/rate':
          return await this.rate(message);
        case 'promptCompare/export':
          return await this.exportGrid(message.format, message.rows);
      }
    } catch (error) {
      this.log.error(`The prompt comparison failed to handle ${message.type}`, error);
      await this.host.post({
        type: 'promptCompare/error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private requireRuntime(): NotebookRuntime {
    const runtime = this.runtime();
    if (!runtime) throw new Error('No notebook kernel is running. Run the cell that creates your model, then compare.');
    return runtime;
  }

  private async sendModels(): Promise<void> {
    const runtime = this.runtime();
    let models: string[] = [];
    if (runtime) {
      try {
        models = (await runtime.session.request(ModelsListRequest.type, undefined)).models.map((m) => m.name);
      } catch (error) {
        this.log.info(`Prompt comparison: no models listed (${describeError(error)})`);
      }
    }
    await this.host.post({
      type: 'promptCompare/models',
      models,
      notebook: runtime ? path.basename(runtime.notebook.uri.path) : undefined,
    });
  }

  private async run(runId: string, variants: CompareVariant[], rows: CompareRow[]): Promise<void> {
    const runtime = this.requireRuntime();
    this.listenToOutputs(runtime);
    const jobs: PromptCompareJob[] = [];
    rows.forEach((row, r) =>
      variants.forEach((variant, c) =>
        jobs.push({
          row: r,
          column: c,
          model: variant.model,
          prompt: applyTemplate(variant.template, row.input),
          sampling: variant.sampling,
        }),
      ),
    );
    this.currentRun = { runId, runtime };
    await this.host.post({ type: 'promptCompare/runState', runId, running: true });
    try {
      await runtime.session.request(PromptCompareRunRequest.type, { runId, jobs });
    } finally {
      if (this.currentRun?.runId === runId) this.currentRun = undefined;
      await this.host.post({ type: 'promptCompare/runState', runId, running: false });
    }
  }

  private listenToOutputs(runtime: NotebookRuntime): void {
    if (this.outputSubscription?.runtime === runtime) return;
    this.outputSubscription?.subscription.dispose();
    const subscription = runtime.session.onKernelNotification(
      PromptCompareOutputNotification.type,
      ({ runId, ...cell }) => {
        void this.host.post({
          type: 'promptCompare/cell',
          runId,
          cell: { ...cell, text: cell.text.slice(0, 100_000), error: cell.error?.slice(0, 2000) },
        });
      },
    );
    this.outputSubscription = { runtime, subscription };
  }

  private async loadRows(source: 'jsonl' | 'variable', variable: string | undefined): Promise<void> {
    if (source === 'variable') {
      const name =
        variable?.trim() ||
        (await vscode.window.showInputBox({
          prompt: 'Notebook variable holding the inputs (an array of strings)',
          placeHolder: 'inputs',
        }));
      if (!name) return;
      const { inputs } = await this.requireRuntime().session.request(PromptCompareInputsRequest.type, {
        variable: name,
      });
      return void (await this.host.post({
        type: 'promptCompare/rows',
        rows: inputs.map((input) => ({ input })),
        origin: `variable ${name}`,
      }));
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'Inputs (JSONL)': ['jsonl', 'ndjson'] },
      openLabel: 'Load inputs',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) return;
    const name = path.basename(picked[0].fsPath);
    const { rows, errors } = parseCompareRows(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0])),
      name,
    );
    if (errors.length)
      void vscode.window.showWarningMessage(
        `Tunebook: ${errors.length} line(s) of ${name} were skipped: ${errors.slice(0, 3).join('; ')}`,
      );
    await this.host.post({ type: 'promptCompare/rows', rows, origin: name });
  }

  private async rate(message: Extract<PromptCompareFromWebview, { type: 'promptCompare/rate' }>): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file')
      throw new Error('Open a folder first: ratings are stored in its .tunebook/rankings.jsonl.');
    const store = PreferenceStore.forWorkspace(folder.uri.fsPath);
    store.append(
      makeRatingRecord({
        prompt: message.prompt,
        completion: message.completion,
        rating: message.rating,
        annotator: defaultAnnotator(readAnnotatorSetting()),
        source: { kind: 'compare', variant: message.variant, input: message.input },
      }),
    );
    await this.host.post({
      type: 'promptCompare/rated',
      row: message.row,
      column: message.column,
      rating: message.rating,
    });
  }

  private async exportGrid(
    format: 'csv' | 'jsonl',
    rows: Extract<PromptCompareFromWebview, { type: 'promptCompare/export' }>['rows'],
  ): Promise<void> {
    if (rows.length === 0)
      return void vscode.window.showInformationMessage('Tunebook: run the comparison first; the grid is empty.');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `prompt-comparison.${format}`) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSONL: ['jsonl'] },
      saveLabel: 'Export comparison',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(
      target,
      new TextEncoder().encode(format === 'csv' ? gridToCsv(rows) : gridToJsonl(rows)),
    );
    void vscode.window.showInformationMessage(
      `Tunebook: exported ${rows.length} cells to ${vscode.workspace.asRelativePath(target)}.`,
    );
  }
}
