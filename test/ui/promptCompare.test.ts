// UI test: the prompt comparison panel in the real workbench — a tiny model created in a notebook cell,
// 2 variants × 3 typed inputs fill the grid, and a 👍 on a cell lands in .tunebook/rankings.jsonl.
// Screenshots in a light and a dark theme.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot } from '../integration/launcher/paths';
import { waitFor } from '../integration/launcher/waitFor';
import { runCommandWhenReady, setColorTheme, webviewFrame } from './panels';
import { closeActiveEditor, openNotebook, openWorkbench, screenshot, type Workbench } from './workbench';

const notebookFixture = join(repoRoot, 'test', 'fixtures', 'prompt-compare', 'ui-compare.ftnb');
const INPUTS = ['Hello', 'The whale', 'Once upon a time'];

async function countAtLeast(page: Page, selector: string, expected: number, timeoutMs: number): Promise<void> {
  await waitFor(`${expected} of ${selector}`, async () => (await page.locator(selector).count()) >= expected, {
    timeoutMs,
    intervalMs: 250,
  });
}

describe('Prompt comparison panel', { timeout: 10 * 60_000 }, () => {
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

  it(
    'fills the grid for 2 variants × 3 inputs from a notebook model, and a 👍 lands in the preference file',
    { timeout: 8 * 60_000 },
    async () => {
      const { page, workspace } = wb;
      copyFileSync(notebookFixture, join(workspace.dir, 'ui-compare.ftnb'));
      const rankings = join(workspace.dir, '.tunebook', 'rankings.jsonl');
      try {
        await openNotebook(page, 'ui-compare.ftnb');
        await page
          .locator('.notebook-toolbar-container .kernel-action-view-item', { hasText: 'Tunebook' })
          .waitFor({ timeout: 60_000 });
        await page.locator('.notebook-toolbar-container a.action-label[aria-label="Run All"]').click();
        await countAtLeast(page, '.notebook-editor .code-cell-row .codicon-notebook-state-success', 1, 120_000);

        await runCommandWhenReady(page, 'Tunebook: Compare Prompts');
        const frame = await webviewFrame(page, 'prompt-compare-view');
        const view = frame.locator('prompt-compare-view');
        await view
          .locator('select[aria-label="Model of variant A"] option', { hasText: 'tiny' })
          .waitFor({ state: 'attached', timeout: 30_000 });
        assert.equal(await view.locator('.variant').count(), 2, 'two variants to start with');
        await view
          .locator('select[aria-label="Model of variant B"] option', { hasText: 'tiny' })
          .waitFor({ state: 'attached' });

        const inputs = view.locator('.inputs textarea');
        await inputs.fill(INPUTS.join('\n'));
        await view.locator('vscode-button.run').click();
        await waitFor('6 finished cells', async () => (await view.locator('td.cell.done').count()) === 6, {
          timeoutMs: 180_000,
          intervalMs: 500,
        });
        assert.equal(await view.locator('td.cell.error').count(), 0, 'no cell failed');
        assert.equal(await view.locator('tbody tr').count(), 3, 'one row per input');
        const stats = await view.locator('[data-testid="column-stats"]').allInnerTexts();
        assert.equal(stats.length, 2);
        for (const s of stats) assert.match(s, /\d+ ms · [\d.]+ tok · 3\/3/, `column aggregates: ${s}`);
        const firstOutput = await view.locator('td[data-cell="0,0"] .output').innerText();
        assert.ok(firstOutput.length > 0, 'the first cell has text');
        await setColorTheme(page, 'Light Modern');
        await screenshot(page, 'prompt-compare-light');

        await view.locator('td[data-cell="0,0"] button.thumb.up').click();
        await view.locator('td[data-cell="0,0"] button.thumb.up[aria-pressed="true"]').waitFor({ timeout: 15_000 });
        await waitFor('the rating to be stored', () => existsSync(rankings), { timeoutMs: 10_000 });
        const lines = readFileSync(rankings, 'utf8').split('\n').filter(Boolean);
        assert.equal(lines.length, 1);
        const record = JSON.parse(lines[0]) as Record<string, unknown>;
        assert.equal(record.type, 'rating');
        assert.equal(record.rating, 1);
        assert.equal(record.prompt, INPUTS[0], 'variant A applies the template {{input}}');
        assert.equal(String(record.completion).trim(), firstOutput.trim());
        assert.deepEqual(record.source, { kind: 'compare', variant: 'A', input: INPUTS[0] });

        await setColorTheme(page, 'Dark Modern');
        await screenshot(page, 'prompt-compare-dark');
      } catch (err) {
        await screenshot(page, 'prompt-compare-failure').catch(() => undefined);
        throw err;
      } finally {
        await closeActiveEditor(page).catch(() => undefined);
      }
    },
  );
});
