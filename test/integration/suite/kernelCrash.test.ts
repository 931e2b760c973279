// A kernel killed mid-cell fails that cell with a clear error; running again starts a fresh kernel.
import * as assert from 'node:assert/strict';
import { STDOUT, TEXT, describeOutputs, errorsOf, textOf } from './helpers/outputs';
import { closeAllEditors, openNotebook, runCells, startCells } from './helpers/tunebook';
import { waitUntil } from './helpers/wait';
import { fixturePath } from './helpers/workspace';
import { afterEach, suite, test } from './runner/miniTest';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

suite('kernel crash', () => {
  afterEach(closeAllEditors);

  test(
    'SIGKILL of the kernel mid-cell gives that cell an error and a re-run succeeds in a new kernel',
    async () => {
      const editor = await openNotebook(fixturePath('kernel-crash.ftnb'));
      const nb = editor.notebook;
      await runCells(editor, [0]);
      const pid = Number(textOf(nb.cellAt(0), TEXT).trim());
      assert.ok(Number.isInteger(pid) && pid > 0 && isAlive(pid), describeOutputs(nb.cellAt(0)));

      const waiting = nb.cellAt(1);
      const run = startCells(editor, [1], 30_000);
      await waitUntil('the cell to print "waiting"', () => textOf(waiting, STDOUT).includes('waiting'), 30_000);
      process.kill(pid, 'SIGKILL');
      await run.done;

      assert.equal(waiting.executionSummary?.success, false, describeOutputs(waiting));
      const errors = errorsOf(waiting);
      assert.equal(errors.length, 1, describeOutputs(waiting));
      assert.match(errors[0].message, /kernel/i);
      assert.match(errors[0].message, /SIGKILL/);
      assert.match(errors[0].message, /again/i, 'the error should say how to recover');
      await waitUntil(`killed kernel ${pid} to be gone`, () => !isAlive(pid), 10_000);

      await runCells(editor, [2]);
      const fresh = nb.cellAt(2);
      assert.equal(fresh.executionSummary?.success, true, describeOutputs(fresh));
      const newPid = Number(textOf(fresh, TEXT).trim());
      assert.ok(Number.isInteger(newPid) && newPid !== pid && isAlive(newPid), describeOutputs(fresh));

      await runCells(editor, [1]);
      assert.equal(waiting.executionSummary?.success, true, describeOutputs(waiting));
      assert.match(textOf(waiting, TEXT), /waited/, describeOutputs(waiting));
      assert.equal(errorsOf(waiting).length, 0, 'the re-run must clear the old error output');
    },
    { timeoutMs: 120_000 },
  );
});
