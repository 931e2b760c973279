// The layer freeze map in the real workbench: a cell creates a tiny GPT-2, the panel opens for it, a click
// freezes a block in the kernel (a cell's output agrees), "Insert as code" adds the reproducing cell, and a
// cell that changes the model redraws the panel. Screenshots in a dark and a light theme.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { setColorTheme, webviewFrame } from './panels';
import {
  closeActiveEditor,
  notebookOutputText,
  openNotebook,
  openWorkbench,
  runCommand,
  screenshot,
  type Workbench,
} from './workbench';

const BLOCK0 = 'transformer.h.0';
/** 2 blocks of 12,704 parameters + embeddings 3,072 + ln_f 64 (n_embd 32, vocab 64, 32 positions; tied head). */
const TOTAL = 28_544;
const BLOCK_PARAMS = 12_704;

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  page: Page,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

async function stateOf(frame: Frame, path: string): Promise<string | null> {
  return frame.locator(`freeze-map-view [data-path="${path}"]`).getAttribute('data-state', { timeout: 5_000 });
}

async function waitForState(page: Page, frame: Frame, path: string, state: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    `${path} to be ${state}`,
    timeoutMs,
    async () => ((await stateOf(frame, path)) === state ? true : undefined),
    page,
  );
}

/** Waits until the notebook's outputs contain every pattern (output webviews need not be listed in cell order). */
async function waitForOutput(page: Page, patterns: RegExp | RegExp[], timeoutMs = 90_000): Promise<string> {
  const all = Array.isArray(patterns) ? patterns : [patterns];
  return waitUntil(
    `cell output matching ${all.join(' and ')}`,
    timeoutMs,
    async () => {
      const text = await notebookOutputText(page);
      return all.every((pattern) => pattern.test(text)) ? text : undefined;
    },
    page,
  );
}

/** Selects the index-th code cell and runs it with the run button in its gutter. */
async function runCell(page: Page, index: number): Promise<void> {
  const cell = page.locator('.notebook-editor .code-cell-row').nth(index);
  await cell.locator('.monaco-editor .view-lines').click();
  await cell.hover();
  await cell.locator('.run-button-container .action-label').first().click();
}

async function cellText(page: Page, index: number): Promise<string> {
  const text = await page
    .locator('.notebook-editor .code-cell-row')
    .nth(index)
    .locator('.monaco-editor .view-lines')
    .innerText();
  return text.replace(/\u00a0/g, ' ');
}

describe('Layer freeze map', { timeout: 10 * 60_000 }, () => {
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
    'freezes a block in the kernel, inserts reproducing code and redraws after a cell',
    { timeout: 8 * 60_000 },
    async () => {
      const { page } = wb;
      try {
        await openNotebook(page, 'ui-freeze-map.ftnb');
        await page
          .locator('.notebook-toolbar-container .kernel-action-view-item', { hasText: 'Tunebook' })
          .waitFor({ timeout: 30_000 });
        await page.locator('.notebook-toolbar-container a.action-label[aria-label="Run All"]').click();
        await waitForOutput(page, [/MODEL READY GPT2LMHeadModel/, /FROZEN_BLOCKS=\[\]/, /TRAINABLE=28544/]);

        await runCommand(page, 'Tunebook: Show Layer Freeze Map');
        const frame = await webviewFrame(page, 'freeze-map-view .item');
        await waitForState(page, frame, BLOCK0, 'trainable');
        const summary = frame.locator('freeze-map-view [data-testid="trainable-summary"]');
        assert.match(await summary.innerText(), /Trainable 28\.5K of 28\.5K/);
        // The model was never trained: "Show what learned" is disabled and says why.
        const showLearned = frame.locator('freeze-map-view [data-testid="show-learned"]');
        assert.equal(await showLearned.isDisabled(), true);
        assert.equal(await frame.locator('freeze-map-view .learned').getAttribute('title'), 'Train the model first');

        // A click freezes block 0 in the kernel.
        await frame.locator(`freeze-map-view [data-path="${BLOCK0}"]`).click();
        await waitForState(page, frame, BLOCK0, 'frozen');
        assert.equal(await stateOf(frame, `${BLOCK0}.attn`), 'frozen', 'the parts of a frozen block are frozen');
        assert.equal(await stateOf(frame, 'transformer.h.1'), 'trainable');
        assert.match(await summary.innerText(), /Trainable 15\.8K of 28\.5K/);
        await setColorTheme(page, 'Dark Modern');
        await screenshot(page, 'freeze-map-dark');

        // The kernel's layers() agrees.
        await runCell(page, 1);
        const shown = await waitForOutput(page, /FROZEN_BLOCKS=\["transformer\.h\.0"\]/);
        assert.match(shown, new RegExp(`TRAINABLE=${TOTAL - BLOCK_PARAMS}\\b`));

        // Keyboard: from the first module, ArrowRight moves to the second (wpe), Space toggles it.
        const wte = frame.locator('freeze-map-view [data-path="transformer.wte"]');
        await wte.focus();
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Space');
        await waitForState(page, frame, 'transformer.wpe', 'frozen');
        assert.equal(await stateOf(frame, 'transformer.wte'), 'trainable', 'only the focused module toggles');

        // "Insert as code" adds a cell after the selected one (cell 2) that reproduces the map.
        await frame.locator('freeze-map-view vscode-button', { hasText: 'Insert as code' }).click();
        await waitUntil(
          'a third code cell',
          30_000,
          async () => ((await page.locator('.notebook-editor .code-cell-row').count()) === 3 ? true : undefined),
          page,
        );
        const code = await cellText(page, 2);
        assert.match(code, /import \{ freeze, unfreeze \} from 'tunebook';/);
        assert.match(code, /unfreeze\(m, '\*\*'\);/);
        assert.match(code, /"transformer\.wpe"/);
        assert.match(code, /"transformer\.h\.0"/);
        assert.doesNotMatch(code, /"transformer\.h\.1"|"transformer\.wte"/);

        // "Unfreeze all", then running the inserted cell: the panel redraws from models/changed.
        await frame.locator('freeze-map-view vscode-button', { hasText: 'Unfreeze all' }).click();
        await waitForState(page, frame, BLOCK0, 'trainable');
        await waitForState(page, frame, 'transformer.wpe', 'trainable');
        await runCell(page, 2);
        await waitForState(page, frame, BLOCK0, 'frozen', 60_000);
        await waitForState(page, frame, 'transformer.wpe', 'frozen');
        assert.equal(await stateOf(frame, 'transformer.h.1'), 'trainable');

        await setColorTheme(page, 'Light Modern');
        await screenshot(page, 'freeze-map-light');

        // Shift+click freezes everything from the input up to the module; the rest keeps its state.
        await frame.locator('freeze-map-view vscode-button', { hasText: 'Unfreeze all' }).click();
        await waitForState(page, frame, BLOCK0, 'trainable');
        await frame.locator('freeze-map-view [data-path="transformer.h.1.attn"]').click({ modifiers: ['Shift'] });
        await waitForState(page, frame, 'transformer.h.1.attn', 'frozen');
        for (const path of ['transformer.wte', 'transformer.wpe', BLOCK0, 'transformer.h.1.ln_1'])
          assert.equal(await stateOf(frame, path), 'frozen', path);
        for (const path of ['transformer.h.1.ln_2', 'transformer.h.1.mlp', 'transformer.ln_f'])
          assert.equal(await stateOf(frame, path), 'trainable', path);
        assert.equal(await stateOf(frame, 'transformer.h.1'), 'partial');

        // "Freeze all but head": only the final norm (the tied LM head owns no weights) stays trainable.
        await frame.locator('freeze-map-view vscode-button', { hasText: 'Freeze all but head' }).click();
        await waitForState(page, frame, 'transformer.h.1', 'frozen');
        assert.equal(await stateOf(frame, 'transformer.ln_f'), 'trainable');
        assert.match(await summary.innerText(), /Trainable 64 of 28\.5K/);
      } catch (err) {
        await screenshot(page, 'freeze-map-failure').catch(() => undefined);
        throw err;
      } finally {
        await closeActiveEditor(page).catch(() => undefined);
      }
    },
  );
});
