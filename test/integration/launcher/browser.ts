// Opens the code-server workbench in Debian's headless Chromium through playwright-core.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from './paths';

export interface WorkbenchPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface WorkbenchUrlOptions {
  origin: string;
  /** Absolute folder to open as the workspace. */
  folder?: string;
  /** `[key, value]` pairs the smoke-test-driver workbench reads from `?payload=`. */
  payload?: [string, string][];
}

export function workbenchUrl(o: WorkbenchUrlOptions): string {
  const url = new URL(o.origin + '/');
  if (o.folder) url.searchParams.set('folder', o.folder);
  if (o.payload) url.searchParams.set('payload', JSON.stringify(o.payload));
  return url.toString();
}

/** `vscode-remote://host:port/abs/path` — how the web workbench names files on the server. */
export function remoteUri(origin: string, absPath: string): string {
  return `vscode-remote://${new URL(origin).host}${absPath}`;
}

export async function launchBrowser(opts: {
  onConsole?: (line: string) => void;
  exposed?: Record<string, (...args: any[]) => unknown>;
}): Promise<WorkbenchPage> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-features=Translate,MediaRouter,OptimizationHints',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    if (opts.onConsole) {
      const sink = opts.onConsole;
      page.on('console', (m) => sink(`[browser ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => sink(`[browser pageerror] ${e.stack ?? e.message}`));
    }
    for (const [name, fn] of Object.entries(opts.exposed ?? {})) await page.exposeFunction(name, fn);
    return {
      browser,
      context,
      page,
      close: async () => {
        await browser.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}
