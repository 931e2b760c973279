// The installed extension: the .vsix from `npm run package`, installed into a fresh code-server extensions
// folder, on a fresh workspace outside the repository. "Tunebook: Open Example…" copies finetune.ftnb and its
// data in; a notebook then loads the embedded model, trains a few steps with the live chart, builds a LanceDB
// index and queries it, and reports where its modules came from (all inside the installed extension); each panel
// opens. Screenshots: installed-training-chart.png, installed-index-query.png.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot } from '../integration/launcher/paths';
import { waitFor } from '../integration/launcher/waitFor';
import { buildVsix, openInstalledWorkbench, type InstalledWorkbench } from './installedWorkbench';
import { runCommandWhenReady, webviewFrame } from './panels';
import { closeActiveEditor, notebookOutputText, openNotebook, screenshot } from './workbench';

const CHECK_NOTEBOOK = 'installed-check.ftnb';

/** Outputs render only when their cell is on screen: each poll scrolls the notebook down a step (if `scroll`). */
async function waitForOutput(page: Page, patterns: RegExp[], timeoutMs: number, scroll = false): Promise<string> {
  let text = '';
  await waitFor(
    `cell output matching ${patterns.join(' and ')}`,
    async () => {
      text = await notebookOutputText(page);
      if (patterns.every((p) => p.test(text))) return true;
      if (scroll) await scrollNotebook(page, 600);
      return false;
    },
    { timeoutMs, intervalMs: 500 },
  );
  return text;
}

async function scrollNotebook(page: Page, dy: number): Promise<void> {
  await page.mouse.move(860, 500);
  await page.mouse.wheel(0, dy);
  await page.waitForTimeout(300);
}

describe('The installed .vsix', { timeout: 15 * 60_000 }, () => {
  let wb: InstalledWorkbench;

  before(
    async () => {
      const vsix = await buildVsix();
      wb = await openInstalledWorkbench(vsix, [
        { from: join(repoRoot, 'test', 'fixtures', 'installed', CHECK_NOTEBOOK), to: CHECK_NOTEBOOK },
      ]);
    },
    { timeout: 8 * 60_000 },
  );

  after(async () => {
    await wb?.close();
  });

  it(
    'opens an example, trains with the live chart, indexes and retrieves with LanceDB, all from the extensions folder',
    { timeout: 10 * 60_000 },
    async () => {
      const { page, workspace, extensionDir } = wb;
      assert.ok(!workspace.dir.startsWith(repoRoot), 'the workspace is outside the repository');
      try {
        // Tunebook: Open Example… from the installed extension copies the notebook and the data it reads.
        await runCommandWhenReady(page, 'Tunebook: Open Example…');
        const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'finetune.ftnb' }).first();
        await pick.waitFor({ timeout: 30_000 });
        await pick.click();
        await page.locator('.notebook-editor').first().waitFor({ state: 'visible', timeout: 60_000 });
        await waitFor(
          'finetune.ftnb and data/spam-small.jsonl in the workspace',
          () =>
            existsSync(join(workspace.dir, 'finetune.ftnb')) &&
            existsSync(join(workspace.dir, 'data', 'spam-small.jsonl')),
          { timeoutMs: 30_000 },
        );
        await page.locator('.tab', { hasText: 'finetune.ftnb' }).first().waitFor({ timeout: 30_000 });
        await closeActiveEditor(page);

        await openNotebook(page, CHECK_NOTEBOOK);
        await page
          .locator('.notebook-toolbar-container .kernel-action-view-item', { hasText: 'Tunebook' })
          .waitFor({ timeout: 60_000 });
        await page.locator('.notebook-toolbar-container a.action-label[aria-label="Run All"]').click();

        await waitForOutput(page, [/TRAINED steps=4 model=DistilBertForSequenceClassification/], 5 * 60_000);
        await webviewFrame(page, 'svg g.chart polyline.series', 60_000);
        await screenshot(page, 'installed-training-chart');

        const text = await waitForOutput(
          page,
          [/INDEXED=3 TOP_HIT=call me ishmael/, /MODULE_ROOTS=\[.*\]/],
          3 * 60_000,
          true,
        );
        await scrollNotebook(page, 3000);
        await webviewFrame(page, 'table', 60_000);
        await screenshot(page, 'installed-index-query');

        const line = (key: string) => new RegExp(`${key}=(\\S+)`).exec(text)?.[1];
        assert.equal(
          line('ENGINE'),
          join(extensionDir, 'dist', 'engine.js'),
          'the engine runs from the installed extension',
        );
        assert.equal(
          line('LANCEDB'),
          join(extensionDir, 'dist', 'node_modules', '@lancedb', 'lancedb', 'dist', 'index.js'),
        );
        assert.equal(
          line('LANCEDB_NATIVE'),
          join(extensionDir, 'dist', 'node_modules', '@lancedb', 'lancedb-linux-x64-gnu', 'lancedb.linux-x64-gnu.node'),
        );
        if (existsSync(join(repoRoot, 'dist', 'native', 'tunebook_native.node'))) {
          assert.equal(
            line('NATIVE_ENGINE'),
            join(extensionDir, 'dist', 'native', 'tunebook_native.node'),
            'the native engine addon loads from the installed extension',
          );
        }
        const roots = JSON.parse(line('MODULE_ROOTS') ?? '[]') as string[];
        assert.deepEqual(
          roots,
          [join(extensionDir, 'dist')],
          'every package the kernel loaded came from the extension',
        );
        assert.ok(!text.includes(join(repoRoot, 'node_modules')), "nothing from the repository's node_modules");

        // Each panel opens from the installed extension.
        await runCommandWhenReady(page, 'Tunebook: Show Layer Freeze Map');
        // The kernel holds two models (the trained classifier and the index's encoder): the command asks which.
        const modelPick = page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'DistilBertForSequenceClassification' })
          .first();
        await modelPick.waitFor({ timeout: 30_000 });
        await modelPick.click();
        const freezeMap = await webviewFrame(page, 'freeze-map-view .item');
        assert.ok(
          (await freezeMap.locator('freeze-map-view [data-path]').count()) > 3,
          'the freeze map draws the classifier',
        );
        await screenshot(page, 'installed-freeze-map');
        await runCommandWhenReady(page, 'Tunebook: Compare Prompts');
        await webviewFrame(page, 'prompt-compare-view');
        await screenshot(page, 'installed-prompt-compare');
        await runCommandWhenReady(page, 'Tunebook: Open Ranking Panel');
        await webviewFrame(page, 'ranking-view');
        await screenshot(page, 'installed-ranking');
      } catch (err) {
        await screenshot(page, 'installed-failure').catch(() => undefined);
        throw err;
      }
    },
  );
});
