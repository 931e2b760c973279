// UI test: the RLHF ranking side panel in the real workbench — load a JSONL queue, rank 3 candidates with
// the keyboard only, and check the line written to .tunebook/rankings.jsonl; screenshots in light and dark.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../integration/launcher/waitFor';
import { repoRoot } from '../integration/launcher/paths';
import { answerFileDialog, runCommandWhenReady, setColorTheme, webviewFrame } from './panels';
import { openWorkbench, screenshot, type Workbench } from './workbench';

const queueFixture = join(repoRoot, 'test', 'fixtures', 'ranking', 'queue.jsonl');

describe('RLHF ranking panel', { timeout: 8 * 60_000 }, () => {
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
    'ranking 3 candidates by keyboard from a JSONL queue writes the expected JSONL line',
    { timeout: 5 * 60_000 },
    async () => {
      const { page, workspace } = wb;
      const queueFile = join(workspace.dir, 'queue.jsonl');
      copyFileSync(queueFixture, queueFile);
      const first = JSON.parse(readFileSync(queueFixture, 'utf8').split('\n')[0]) as {
        prompt: string;
        candidates: string[];
      };
      const rankings = join(workspace.dir, '.tunebook', 'rankings.jsonl');
      try {
        await runCommandWhenReady(page, 'Tunebook: Load Ranking Queue from JSONL');
        await answerFileDialog(page, queueFile);
        const frame = await webviewFrame(page, 'ranking-view');
        const view = frame.locator('ranking-view');
        await view.locator('[data-testid="prompt"]', { hasText: first.prompt }).waitFor({ timeout: 30_000 });
        assert.match(await view.locator('.progress').innerText(), /Item 1 of 3/);
        await setColorTheme(page, 'Light Modern');
        await screenshot(page, 'ranking-light');

        // Keyboard only: focus is on candidate 1 when an item opens; each number gives the focused candidate
        // that place and moves on to the next unranked one. U undoes the last place.
        await view.locator('[data-candidate="0"]').focus();
        await page.keyboard.press('2'); // candidate 1 -> place 2, focus -> candidate 2
        await page.keyboard.press('3'); // candidate 2 -> place 3 (a mistake) ...
        await page.keyboard.press('u'); // ... undone
        await view.locator('[data-candidate="1"]').focus();
        await page.keyboard.press('1'); // candidate 2 -> place 1, focus -> candidate 3
        await page.keyboard.press('3'); // candidate 3 -> place 3
        const badges = await Promise.all(
          [0, 1, 2].map((i) => view.locator(`[data-candidate="${i}"] .rank`).innerText()),
        );
        assert.deepEqual(
          badges.map((b) => b.trim()),
          ['2', '1', '3'],
          'places shown on the candidates',
        );
        await page.keyboard.press('Enter');

        await waitFor(
          'the ranking to be stored',
          () => existsSync(rankings) && readFileSync(rankings, 'utf8').endsWith('\n'),
          { timeoutMs: 15_000 },
        );
        const lines = readFileSync(rankings, 'utf8').split('\n').filter(Boolean);
        assert.equal(lines.length, 1, 'exactly one ranking stored');
        const record = JSON.parse(lines[0]) as Record<string, unknown>;
        assert.equal(record.type, 'ranking');
        assert.equal(record.prompt, first.prompt);
        assert.deepEqual(record.candidates, first.candidates);
        assert.deepEqual(record.ranks, [2, 1, 3]);
        assert.deepEqual(record.pairs, [
          [1, 0],
          [1, 2],
          [0, 2],
        ]);
        assert.equal(record.annotator, userInfo().username);
        assert.deepEqual(record.source, { kind: 'jsonl', file: queueFile, line: 1 });
        assert.ok(Math.abs(Date.parse(String(record.timestamp)) - Date.now()) < 5 * 60_000, 'a current timestamp');

        // The next item comes up; S skips it and the progress says so.
        await view.locator('.progress', { hasText: 'Item 2 of 3' }).waitFor({ timeout: 15_000 });
        await view.locator('[data-candidate="0"]').focus();
        await page.keyboard.press('s');
        await view.locator('.progress', { hasText: '1 ranked · 1 skipped' }).waitFor({ timeout: 15_000 });
        await setColorTheme(page, 'Dark Modern');
        await screenshot(page, 'ranking-dark');
        assert.equal(readFileSync(rankings, 'utf8').split('\n').filter(Boolean).length, 1, 'a skip stores nothing');

        // "Train reward model" by keyboard, with no notebook kernel running: a clear error, and nothing stays busy.
        const train = view.locator('[data-testid="train-reward-model"]');
        await train.focus();
        await page.keyboard.press('Enter');
        await view.locator('[role="alert"]', { hasText: 'No notebook kernel is running' }).waitFor({ timeout: 15_000 });
        assert.equal(await train.getAttribute('disabled'), null, 'the button stays enabled after the error');
      } catch (err) {
        await screenshot(page, 'ranking-failure').catch(() => undefined);
        throw err;
      }
    },
  );
});
