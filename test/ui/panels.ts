// Helpers for Tunebook's webview panels in the workbench: finding a panel's frame, switching theme,
// answering the simple file dialog.
import type { Frame, Page } from 'playwright-core';
import { waitFor } from '../integration/launcher/waitFor';

/** The (nested) webview frame whose document holds `selector`. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(
    `a webview frame showing ${selector}`,
    async () => {
      for (const frame of page.frames()) {
        if (!frame.url().includes('webview') && !frame.url().startsWith('about:')) continue;
        const count = await frame
          .locator(selector)
          .count()
          .catch(() => 0);
        if (count > 0) {
          found = frame;
          return true;
        }
      }
      return false;
    },
    { timeoutMs, intervalMs: 250 },
  );
  return found!;
}

/** Answers VS Code's simple (quick input) file dialog with an absolute path. */
export async function answerFileDialog(page: Page, absolutePath: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(absolutePath);
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** Runs a command from the palette, waiting (bounded) until the extension host has contributed it. */
export async function runCommandWhenReady(page: Page, title: string, timeoutMs = 120_000): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    if (
      await row.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    await page.keyboard.press('Escape');
    if (Date.now() > deadline)
      throw new Error(`the command "${title}" did not appear in the palette within ${timeoutMs} ms`);
    await page.waitForTimeout(2_000);
  }
  await page.keyboard.press('Enter');
}

/** Picks a colour theme ("Light Modern", "Dark Modern") in the theme picker (Ctrl+K Ctrl+T). Themes are listed once the extension host is up. */
export async function setColorTheme(page: Page, theme: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first();
  await waitFor(
    `the theme ${theme} in the theme picker`,
    async () => {
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      await input.waitFor({ state: 'visible' });
      await input.fill(theme);
      if (
        await row.waitFor({ timeout: 3_000 }).then(
          () => true,
          () => false,
        )
      )
        return true;
      await page.keyboard.press('Escape');
      return false;
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page.waitForTimeout(1_500); // webviews pick the new theme's variables up asynchronously
}
