/**
 * The RLHF ranking side panel (a WebviewView in the Tunebook view container): shows one queue item at a
 * time — a prompt and K candidates, loaded from a JSONL queue file or sampled from a model the notebook's
 * kernel holds — and appends each submitted ranking to the workspace's `.tunebook/rankings.jsonl` at once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ModelsListRequest, RankingGenerateRequest } from '../../kernel/protocol';
import { preferencePairs, toJsonl, toOpenAiRows, toTrlRows } from '../../kernel/store/preferenceExport';
import { mergeRankings } from '../../kernel/store/preferenceMerge';
import type { PreferenceRecord, PreferenceSource, RankingRecord } from '../../kernel/store/preferenceRecord';
import { PreferenceStore, defaultAnnotator, makeRankingRecord } from '../../kernel/store/preferenceStore';
import { parseRankingQueue } from '../../kernel/store/rankingQueue';
import { parseMessage } from '../../webviews/common/parseMessage';
import {
  RankingFromWebview,
  type RankingItem,
  type RankingProgress,
  type RankingToWebview,
} from '../../webviews/ranking/messages';
import { describeError, type Log } from '../common/log';
import { readAnnotatorSetting } from '../common/settings';
import type { NotebookRuntime, NotebookRuntimes } from '../kernel/notebookRuntimes';
import { localResourceRoots, makeNonce, panelHtml } from './panelHost';
import { RankingJobs } from './rankingJobs';

export const RANKING_VIEW_ID = 'tunebook.rankingView';
export const RANKING_CONTAINER_ID = 'tunebook';

interface QueuedItem extends RankingItem {
  source: PreferenceSource;
}

export class RankingViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private queue: QueuedItem[] = [];
  private index = 0;
  private ranked = 0;
  private skipped = 0;
  private readonly jobs: RankingJobs;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly runtimes: () => NotebookRuntimes | undefined,
  ) {
    this.jobs = new RankingJobs(
      { post: (m) => this.post(m), runtime: () => this.notebookRuntime(), rankingsFile: () => this.store().file },
      log,
    );
  }

  static register(
    extensionUri: vscode.Uri,
    log: Log,
    runtimes: () => NotebookRuntimes | undefined,
  ): { provider: RankingViewProvider; disposables: vscode.Disposable[] } {
    const provider = new RankingViewProvider(extensionUri, log, runtimes);
    return {
      provider,
      disposables: [
        provider,
        vscode.window.registerWebviewViewProvider(RANKING_VIEW_ID, provider, {
          webviewOptions: { retainContextWhenHidden: true },
        }),
      ],
    };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(this.extensionUri) };
    view.webview.html = panelHtml(view.webview, {
      title: 'Ranking',
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webviews', 'ranking.js')),
      nonce: makeNonce(),
    });
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidDispose(() => (this.view = undefined)),
      view.onDidChangeVisibility(() => view.visible && void this.sendModels()),
    );
  }

  /** Opens (focuses) the side panel. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${RANKING_VIEW_ID}.focus`);
  }

  /** Loads a JSONL queue (asks for the file when none is given), then shows its first item. Returns the items loaded. */
  async loadQueue(file?: vscode.Uri): Promise<number> {
    const uri = file ?? (await pickQueueFile());
    if (!uri) return 0;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const name = path.basename(uri.fsPath);
    const { items, errors } = parseRankingQueue(text, name);
    if (errors.length) {
      this.log.warn(`Ranking queue ${uri.fsPath}: ${errors.join('; ')}`);
      void vscode.window.showWarningMessage(
        `Tunebook: ${errors.length} line(s) of ${name} were skipped: ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? '; …' : ''}`,
      );
    }
    if (items.length === 0) {
      void vscode.window.showErrorMessage(
        `Tunebook: ${name} has no item to rank. Each line must be {"prompt": "...", "candidates": ["...", "..."]}.`,
      );
      return 0;
    }
    this.queue = items.map((item) => ({
      prompt: item.prompt,
      candidates: item.candidates,
      origin: `${name}:${item.line}`,
      source: { kind: 'jsonl', file: uri.fsPath, line: item.line },
    }));
    this.index = 0;
    this.ranked = 0;
    this.skipped = 0;
    await this.reveal();
    await this.showCurrent();
    return items.length;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseMessage(RankingFromWebview, raw);
    if (!parsed.ok) return void this.log.warn(`Ignored a message from the ranking panel: ${parsed.error}`);
    const message = parsed.message;
    try {
      switch (message.type) {
        case 'ranking/ready':
          await this.showCurrent();
          await this.sendModels();
          break;
        case 'ranking/submit':
          await this.submit(message.index, message.ranks);
          break;
        case 'ranking/skip':
          if (message.index !== this.index || !this.queue[this.index]) return;
          this.skipped++;
          this.index++;
          await this.showCurrent();
          break;
        case 'ranking/loadQueue':
          await this.loadQueue();
          break;
        case 'ranking/generate':
          await this.generate(message.model, message.prompt, message.count, message.sampling);
          break;
        case 'ranking/export':
          await exportPreferences(this.store(), message.format, message.merge);
          break;
        case 'ranking/trainRewardModel':
          await this.jobs.trainRewardModel();
          break;
        case 'ranking/optimisePolicy':
          await this.jobs.optimisePolicy(message.lora);
          break;
        case 'ranking/cancelJob':
          await this.jobs.cancel();
          break;
      }
    } catch (error) {
      this.log.error(`The ranking panel failed to handle ${message.type}`, error);
      await this.post({ type: 'ranking/error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async submit(index: number, ranks: number[]): Promise<void> {
    const item = this.queue[this.index];
    if (!item || index !== this.index)
      return void this.log.warn(`Ignored a ranking for item ${index}; the panel shows item ${this.index}.`);
    const store = this.store();
    const record = makeRankingRecord({
      prompt: item.prompt,
      candidates: item.candidates,
      ranks,
      annotator: defaultAnnotator(readAnnotatorSetting()),
      source: item.source,
    });
    store.append(record);
    this.ranked++;
    this.index++;
    await this.post({
      type: 'ranking/saved',
      file: vscode.workspace.asRelativePath(store.file),
      pairs: record.pairs.length,
    });
    await this.showCurrent();
  }

  private async generate(
    model: string,
    prompt: string,
    count: number,
    sampling: { maxNewTokens: number; temperature: number },
  ): Promise<void> {
    const runtime = this.notebookRuntime();
    if (!runtime) throw new Error('No notebook kernel is running. Run the cell that creates the model, then generate.');
    await this.post({ type: 'ranking/busy', busy: true, message: `Sampling ${count} candidates from ${model}…` });
    try {
      const { candidates } = await runtime.session.request(RankingGenerateRequest.type, {
        model,
        prompt,
        count,
        sampling,
      });
      // Generated items go right after the one shown now, so they come up next.
      const at = Math.min(this.index, this.queue.length);
      this.queue.splice(at, 0, {
        prompt,
        candidates,
        origin: `${model} (T=${sampling.temperature})`,
        source: { kind: 'model', model, sampling: { ...sampling } },
      });
      this.index = at;
    } finally {
      await this.post({ type: 'ranking/busy', busy: false });
    }
    await this.showCurrent();
  }

  private async showCurrent(): Promise<void> {
    const item = this.queue[this.index];
    if (item) {
      const { source: _source, ...shown } = item;
      await this.post({
        type: 'ranking/show',
        item: shown,
        progress: this.progress(),
        annotator: defaultAnnotator(readAnnotatorSetting()),
      });
    } else if (this.queue.length) {
      await this.post({
        type: 'ranking/idle',
        message: `The queue is done: ${this.ranked} ranked, ${this.skipped} skipped.`,
        progress: this.progress(),
      });
    } else {
      await this.post({
        type: 'ranking/idle',
        message:
          'Nothing to rank yet. Load a JSONL queue ({"prompt", "candidates"} per line) or generate candidates from a notebook model.',
      });
    }
  }

  private progress(): RankingProgress {
    return { index: this.index, total: this.queue.length, ranked: this.ranked, skipped: this.skipped };
  }

  private async sendModels(): Promise<void> {
    const runtime = this.notebookRuntime();
    let models: string[] = [];
    if (runtime) {
      try {
        models = (await runtime.session.request(ModelsListRequest.type, undefined)).models.map((m) => m.name);
      } catch (error) {
        this.log.info(`Ranking panel: no models listed (${describeError(error)})`);
      }
    }
    await this.post({ type: 'ranking/models', models });
  }

  /** The active notebook's runtime, else the first notebook with a running kernel. */
  private notebookRuntime(): NotebookRuntime | undefined {
    const runtimes = this.runtimes();
    if (!runtimes) return undefined;
    const active = vscode.window.activeNotebookEditor?.notebook;
    const found = active ? runtimes.find(active) : undefined;
    return found && found.session.state !== 'none' ? found : runtimes.withKernel()[0];
  }

  private store(): PreferenceStore {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file')
      throw new Error('Open a folder first: rankings are stored in its .tunebook/rankings.jsonl.');
    return PreferenceStore.forWorkspace(folder.uri.fsPath);
  }

  private async post(message: RankingToWebview): Promise<void> {
    if (!this.view) return;
    try {
      await this.view.webview.postMessage(message);
    } catch (error) {
      this.log.warn(`Could not post ${message.type} to the ranking panel: ${describeError(error)}`);
    }
  }
}

async function pickQueueFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'Ranking queue (JSONL)': ['jsonl', 'ndjson'] },
    openLabel: 'Load ranking queue',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

/** Writes the store's preferences (optionally merged across annotators) as TRL or OpenAI JSONL to a file the user picks. */
export async function exportPreferences(
  store: PreferenceStore,
  format: 'trl' | 'openai',
  merge: 'none' | 'majority' | 'borda',
): Promise<vscode.Uri | undefined> {
  const { records, warnings } = store.read();
  if (warnings.length)
    void vscode.window.showWarningMessage(
      `Tunebook: ${warnings.length} line(s) of ${store.file} were skipped: ${warnings[0].message}`,
    );
  const chosen: PreferenceRecord[] =
    merge === 'none'
      ? records
      : [
          ...mergeRankings(
            records.filter((r): r is RankingRecord => r.type === 'ranking'),
            merge,
          ),
          ...records.filter((r) => r.type === 'rating'),
        ];
  if (preferencePairs(chosen).length === 0) {
    void vscode.window.showInformationMessage(
      'Tunebook: there are no preference pairs to export yet; rank some items first.',
    );
    return undefined;
  }
  const suffix = `${format}${merge === 'none' ? '' : `-${merge}`}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(path.dirname(store.file), `preferences-${suffix}.jsonl`)),
    filters: { JSONL: ['jsonl'] },
    saveLabel: 'Export preferences',
  });
  if (!target) return undefined;
  const rows = format === 'trl' ? toTrlRows(chosen) : toOpenAiRows(chosen);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(toJsonl(rows)));
  void vscode.window.showInformationMessage(
    `Tunebook: exported ${rows.length} preference pairs to ${vscode.workspace.asRelativePath(target)}.`,
  );
  return target;
}
