// Interrupting a running cell stops it and keeps the kernel's state.
import * as assert from 'node:assert/strict';
import { STDOUT, TEXT, describeOutputs, textOf } from './helpers/outputs';
import { closeAllEditors, openNotebook, runCells, startCells } from './helpers/tunebook';
import { waitUntil } from './helpers/wait';
import { fixturePath } from './helpers/workspace';
import { afterEach, suite, test } from './runner/miniTest';
import * as vscode from 'vscode';

suite('interrupt', () => {
  afterEach(closeAllEditors);

  test(
    'interrupting an awaiting loop ends the cell early and keeps earlier variables',
    async () => {
      const editor = await openNotebook(fixturePath('interrupt.ftnb'));
      const nb = editor.notebook;
      await runCells(editor, [0]);
      const pidBefore = Number(textOf(nb.cellAt(0), TEXT).trim());
      assert.ok(pidBefore > 0, describeOutputs(nb.cellAt(0)));

      const loop = nb.cellAt(1);
      const run = startCells(editor, [1], 60_000);
      await waitUntil(
        'the loop cell to print "loop started"',
        () => textOf(loop, STDOUT).includes('loop started'),
        30_000,
      );
      const interruptedAt = Date.now();
      await vscode.commands.executeCommand('notebook.cancelExecution', nb.uri);
      await run.done;
      const stoppedAfterMs = Date.now() - interruptedAt;

      assert.notEqual(loop.executionSummary?.success, true, describeOutputs(loop));
      assert.ok(!textOf(loop, STDOUT).includes('loop finished'), describeOutputs(loop));
      assert.ok(stoppedAfterMs < 15_000, `the cell took ${stoppedAfterMs} ms to stop after the interrupt`);

      await runCells(editor, [2]);
      const after = nb.cellAt(2);
      assert.equal(after.executionSummary?.success, true, describeOutputs(after));
      assert.equal(textOf(after, STDOUT).trim(), 'kept 42 same process true', describeOutputs(after));
    },
    { timeoutMs: 120_000 },
  );
});
