// Opening a .ftnb, picking the Tunebook controller and running cells through VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ERROR, STDOUT, TEXT, describeOutputs, errorsOf, textOf } from './helpers/outputs';
import { closeAllEditors, openNotebook, runCells } from './helpers/tunebook';
import { fixturePath } from './helpers/workspace';
import { afterEach, suite, test } from './runner/miniTest';

function cellSucceeded(cell: vscode.NotebookCell): void {
  assert.equal(cell.executionSummary?.success, true, describeOutputs(cell));
}

suite('notebook execution', () => {
  afterEach(closeAllEditors);

  test(
    'Run All executes every code cell with values, streams and state across cells',
    async () => {
      const editor = await openNotebook(fixturePath('basics.ftnb'));
      const nb = editor.notebook;
      assert.equal(nb.cellCount, 6);
      await runCells(editor, 'all', 120_000);

      const [, first, second, third, pidCell, failing] = nb.getCells();
      for (const cell of [first, second, third, pidCell]) cellSucceeded(cell);
      assert.equal(textOf(first, STDOUT), 'hello from the kernel\n', describeOutputs(first));
      assert.equal(textOf(first, TEXT).trim(), '42', describeOutputs(first));
      assert.equal(textOf(second, TEXT).trim(), '41', describeOutputs(second));
      assert.equal(textOf(third, TEXT).trim(), '82', describeOutputs(third));

      const pid = Number(textOf(pidCell, TEXT).trim());
      assert.ok(Number.isInteger(pid) && pid > 0, describeOutputs(pidCell));
      assert.notEqual(pid, process.pid, 'cells must run outside the extension host process');
      assert.doesNotThrow(() => process.kill(pid, 0), `kernel process ${pid} should be alive`);

      assert.equal(failing.executionSummary?.success, false, describeOutputs(failing));
      const [error] = errorsOf(failing);
      assert.ok(error, `expected an ${ERROR} output\n${describeOutputs(failing)}`);
      assert.match(error.message, /deliberate failure in cell 6/);

      const orders = [first, second, third, pidCell].map((c) => c.executionSummary?.executionOrder ?? 0);
      assert.deepEqual(
        [...orders].sort((a, b) => a - b),
        orders,
        `execution order should follow cell order: ${orders}`,
      );
    },
    { timeoutMs: 150_000 },
  );

  test(
    're-running a cell that redeclares a name works and later cells see the new value',
    async () => {
      const editor = await openNotebook(fixturePath('basics.ftnb'));
      await runCells(editor, [1, 2, 3]);
      const nb = editor.notebook;
      assert.equal(textOf(nb.cellAt(3), TEXT).trim(), '82');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(
        nb.cellAt(2).document.uri,
        new vscode.Range(0, 0, 0, Number.MAX_SAFE_INTEGER),
        'let counter = base * 10;',
      );
      assert.ok(await vscode.workspace.applyEdit(edit), 'editing the cell failed');
      await runCells(editor, [2, 3]);
      cellSucceeded(nb.cellAt(2));
      assert.equal(textOf(nb.cellAt(2), TEXT).trim(), '401', describeOutputs(nb.cellAt(2)));
      assert.equal(textOf(nb.cellAt(3), TEXT).trim(), '802', describeOutputs(nb.cellAt(3)));
    },
    { timeoutMs: 120_000 },
  );
});
