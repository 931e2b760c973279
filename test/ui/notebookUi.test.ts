// UI tests: a person's path through the workbench, checked on what the screen shows.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  closeActiveEditor,
  notebookOutputText,
  notificationCentreText,
  openNotebook,
  openWorkbench,
  quickOpen,
  screenshot,
  type Workbench,
} from './workbench';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function countOf(page: Page, selector: string, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let found = 0;
  while ((found = await page.locator(selector).count()) < expected) {
    if (Date.now() > deadline)
      throw new Error(`expected ${expected} of ${selector} on screen within ${timeoutMs} ms, found ${found}`);
    await page.waitForTimeout(250);
  }
}

describe('Tunebook in the VS Code workbench', { timeout: 10 * 60_000 }, () => {
  let wb: Workbench;

  before(
    async () => {
      wb = await openWorkbench();
    },
    { timeout: 3 * 60_000 },
  );

  after(async () => {
    await wb?.close();
  });

  it('Run All in the notebook toolbar runs every cell and shows the outputs', { timeout: 3 * 60_000 }, async () => {
    const { page } = wb;
    try {
      await openNotebook(page, 'ui-run-all.ftnb');
      await countOf(page, '.notebook-editor .code-cell-row', 2, 90_000);
      await page
        .locator('.notebook-toolbar-container .kernel-action-view-item', { hasText: 'Tunebook' })
        .waitFor({ timeout: 30_000 });
      await screenshot(page, 'run-all-1-opened');

      await page.locator('.notebook-toolbar-container a.action-label[aria-label="Run All"]').click();
      await countOf(page, '.notebook-editor .code-cell-row .codicon-notebook-state-success', 2, 90_000);
      let shown = '';
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        shown = await notebookOutputText(page);
        if (shown.includes('HELLO FROM TUNEBOOK') && shown.includes('30007')) break;
        await page.waitForTimeout(250);
      }
      await screenshot(page, 'run-all-2-outputs');
      assert.match(shown, /HELLO FROM TUNEBOOK/, `stdout of cell 1 should be on screen; saw:\n${shown}`);
      assert.match(shown, /30007/, `value of cell 2 should be on screen; saw:\n${shown}`);
      const orders = await page.locator('.notebook-editor .code-cell-row .execution-count-label').allInnerTexts();
      assert.deepEqual(
        orders.map((o) => o.trim()),
        ['[1]', '[2]'],
        'execution counts in the cell gutters',
      );
      await page
        .locator('.notebook-editor .code-cell-row .codicon-notebook-state-error')
        .count()
        .then((n) => assert.equal(n, 0, 'no cell failed'));
    } catch (err) {
      await screenshot(page, 'run-all-failure').catch(() => undefined);
      throw err;
    } finally {
      await closeActiveEditor(page);
    }
  });

  it('a corrupt .ftnb shows an error instead of a notebook and is not modified', { timeout: 2 * 60_000 }, async () => {
    const { page, workspace } = wb;
    const file = join(workspace.dir, 'corrupt.ftnb');
    const before = sha256(file);
    try {
      await quickOpen(page, 'corrupt.ftnb');
      const placeholder = page.locator('.monaco-editor-pane-placeholder').first();
      await placeholder.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await placeholder.innerText(), /could not be opened/i);
      await placeholder.getByRole('button', { name: 'Open in Text Editor' }).waitFor();
      assert.equal(
        await page.locator('.notebook-editor .code-cell-row:visible').count(),
        0,
        'no notebook cells may be shown',
      );
      await screenshot(page, 'corrupt-1-error');
      await page.keyboard.press('Control+S');
      await closeActiveEditor(page);
      await page.waitForTimeout(1000);
      assert.equal(sha256(file), before, 'corrupt.ftnb changed on disk');
    } catch (err) {
      await screenshot(page, 'corrupt-failure').catch(() => undefined);
      throw err;
    }
  });

  it('the error for a corrupt .ftnb tells the user what is wrong and where', { timeout: 2 * 60_000 }, async () => {
    const { page } = wb;
    await quickOpen(page, 'corrupt.ftnb');
    await page.locator('.monaco-editor-pane-placeholder').first().waitFor({ state: 'visible', timeout: 30_000 });
    const placeholder = await page.locator('.monaco-editor-pane-placeholder').first().innerText();
    const notifications = await notificationCentreText(page);
    await screenshot(page, 'corrupt-2-notifications');
    await page.keyboard.press('Escape');
    await closeActiveEditor(page);
    const onScreen = `${placeholder}\n${notifications}`;
    assert.match(
      onScreen,
      /not valid JSON \(line \d+, column \d+/,
      `the specific parse error should be on screen; saw:\n${onScreen}`,
    );
  });
});
