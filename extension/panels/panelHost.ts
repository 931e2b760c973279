/**
 * Shared plumbing of Tunebook's webview panels: the HTML shell (nonce-based CSP, only dist/webviews
 * as local resources), typed posting, and validation of every message the webview
 * sends — a malformed, oversized or unknown message is logged and ignored, never acted on.
 *
 * A panel's script is `dist/webviews/<script>.js`, built from `webviews/<script>/index.ts`.
 */
import * as vscode from 'vscode';
import { parseMessage, MAX_MESSAGE_CHARS } from '../../webviews/common/parseMessage';
import type { Schema } from '../../webviews/common/schema';
import { describeError, type Log } from '../common/log';
import { makeNonce, panelPage } from './panelPage';

export interface PanelHostOptions<FromWebview> {
  /** Webview panel type, e.g. `tunebook.freezeMap`. */
  viewType: string;
  title: string;
  /** The bundle name: `dist/webviews/<script>.js`. */
  script: string;
  extensionUri: vscode.Uri;
  /** Schema of what the webview may send (the panel's `messageUnion` from webviews/<panel>/messages.ts). */
  fromWebview: Schema<FromWebview>;
  log: Log;
  column?: vscode.ViewColumn;
  /** Keep the webview's DOM while its tab is hidden (costs memory). Default false. */
  retainContextWhenHidden?: boolean;
  maxMessageChars?: number;
}

export class PanelHost<FromWebview extends { type: string }, ToWebview extends { type: string }>
  implements vscode.Disposable
{
  readonly panel: vscode.WebviewPanel;
  private readonly handlers = new Set<(message: FromWebview) => unknown>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  /** Fires once when the panel closes (by the user or `dispose`). */
  readonly onDidDispose = this.disposedEmitter.event;
  private disposed = false;

  constructor(private readonly options: PanelHostOptions<FromWebview>) {
    const roots = localResourceRoots(options.extensionUri);
    this.panel = vscode.window.createWebviewPanel(
      options.viewType,
      options.title,
      options.column ?? vscode.ViewColumn.Beside,
      {
        enableScripts: true,
        localResourceRoots: roots,
        retainContextWhenHidden: options.retainContextWhenHidden ?? false,
      },
    );
    this.panel.webview.html = panelHtml(this.panel.webview, {
      title: options.title,
      scriptUri: this.panel.webview.asWebviewUri(
        vscode.Uri.joinPath(options.extensionUri, 'dist', 'webviews', `${options.script}.js`),
      ),
      nonce: makeNonce(),
    });
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Handles each valid message from the webview. Handler errors are logged, never thrown into VS Code. */
  onMessage(handler: (message: FromWebview) => unknown): vscode.Disposable {
    this.handlers.add(handler);
    return new vscode.Disposable(() => this.handlers.delete(handler));
  }

  /** Posts a message to the webview; false when the panel is gone or the webview did not take it. */
  async post(message: ToWebview): Promise<boolean> {
    if (this.disposed) return false;
    try {
      return await this.panel.webview.postMessage(message);
    } catch (error) {
      this.options.log.warn(
        `Could not post ${message.type} to the ${this.options.title} panel: ${describeError(error)}`,
      );
      return false;
    }
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.handlers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }

  private receive(raw: unknown): void {
    const parsed = parseMessage(this.options.fromWebview, raw, this.options.maxMessageChars ?? MAX_MESSAGE_CHARS);
    if (!parsed.ok) {
      this.options.log.warn(`Ignored a message from the ${this.options.title} panel: ${parsed.error}`);
      return;
    }
    for (const handler of [...this.handlers]) {
      void Promise.resolve()
        .then(() => handler(parsed.message))
        .catch((error: unknown) =>
          this.options.log.error(`The ${this.options.title} panel failed to handle ${parsed.message.type}`, error),
        );
    }
  }
}

export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')];
}

export interface PanelHtmlParts {
  title: string;
  scriptUri: vscode.Uri;
  nonce: string;
}

/** The page every panel loads (see panelPage.ts): nonce CSP, `<main id="root">`, the panel's script. */
export function panelHtml(webview: Pick<vscode.Webview, 'cspSource'>, parts: PanelHtmlParts): string {
  return panelPage(webview.cspSource, {
    title: parts.title,
    scriptSrc: parts.scriptUri.toString(),
    nonce: parts.nonce,
  });
}

export { makeNonce };
