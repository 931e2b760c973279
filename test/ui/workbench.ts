// Drives the real VS Code workbench (code-server + headless Chromium) the way a person does:
// keyboard and mouse on the DOM, screenshots into test-results/ui/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, remoteUri, workbenchUrl, type WorkbenchPage } from '../integration/launcher/browser';
import { startCodeServer, type CodeServer } from '../integration/launcher/codeServer';
import { copyNotebookFixtures, type FixtureWorkspace } from '../integration/launcher/fixtureWorkspace';
import { assertToolsInstalled, repoRoot, testResultsDir } from '../integration/launcher/paths';
import { createSandbox, type Sandbox } from '../integration/launcher/sandbox';

export const uiResultsDir = join(testResultsDir, 'ui');

export interface Workbench {
  page: Page;
  workspace: FixtureWorkspace;
  close(): Promise<void>;
}

/** Opens a workbench on a copy of test/fixtures/notebooks with the Tunebook extension under development. */
export async function openWorkbench(): Promise<Workbench> {
  assertToolsInstalled();
  mkdirSync(uiResultsDir, { recursive: true });
  let sandbox: Sandbox | undefined;
  let workspace: FixtureWorkspace | undefined;
  let server: CodeServer | undefined;
  let browser: WorkbenchPage | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    sandbox?.remove();
    workspace?.remove();
  };
  try {
    sandbox = createSandbox();
    workspace = copyNotebookFixtures();
    server = await startCodeServer({ sandbox, logFile: join(uiResultsDir, 'code-server.log') });
    browser = await launchBrowser({});
    const url = workbenchUrl({
      origin: server.origin,
      folder: workspace.dir,
      payload: [['extensionDevelopmentPath', remoteUri(server.origin, repoRoot)]],
    });
    await browser.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await browser.page.locator('.monaco-workbench .explorer-folders-view').waitFor({ timeout: 60_000 });
    await browser.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 30_000 });
    return { page: browser.page, workspace, close };
  } catch (err) {
    await browser?.page.screenshot({ path: join(uiResultsDir, 'startup-failure.png') }).catch(() => undefined);
    await close();
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(uiResultsDir, `${name}.png`);
  // Park the pointer on empty status bar space so no hover tooltip covers the picture.
  await page.mouse.move(720, 893);
  await page.screenshot({ path, timeout: 15_000 });
  return path;
}

/** Quick Open (Ctrl+P), type the file name, Enter. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 5, y: 400 } })
    .catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/**
 * Opens a .ftnb in the notebook editor. A file opened before the extension registered its
 * serializer can come up as plain text: then it is closed and opened again (bounded).
 */
export async function openNotebook(page: Page, fileName: string): Promise<void> {
  const notebook = page.locator('.notebook-editor').first();
  for (let attempt = 1; ; attempt++) {
    await quickOpen(page, fileName);
    const opened = await notebook
      .waitFor({ state: 'visible', timeout: 30_000 })
      .then(() => true)
      .catch(() => false);
    if (opened) return;
    if (attempt === 4) {
      await screenshot(page, `open-${fileName}-failure`).catch(() => undefined);
      throw new Error(`${fileName} did not open in the notebook editor`);
    }
    await closeActiveEditor(page);
    await page.waitForTimeout(2000);
  }
}

export async function closeActiveEditor(page: Page): Promise<void> {
  await runCommand(page, 'View: Revert and Close Editor');
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Text shown in the notebook's output webviews (outputs render inside nested iframes). */
export async function notebookOutputText(page: Page): Promise<string> {
  const texts: string[] = [];
  for (const frame of page.frames()) {
    if (!frame.url().includes('/webview/')) continue;
    const text = await frame
      .locator('body')
      .innerText({ timeout: 5_000 })
      .catch(() => '');
    texts.push(text);
  }
  return texts.join('\n');
}

/** Visible text of the notification centre (the smoke-test driver hides toasts). */
export async function notificationCentreText(page: Page): Promise<string> {
  await runCommand(page, 'Notifications: Show Notifications');
  const centre = page.locator('.notifications-center');
  await centre.waitFor({ state: 'visible' });
  return (await centre.innerText()).trim();
}
