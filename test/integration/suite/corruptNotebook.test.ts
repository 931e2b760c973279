// A corrupt .ftnb is refused with a specific error and is never written to.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, closeAllEditors } from './helpers/tunebook';
import { sleep } from './helpers/wait';
import { fixturePath } from './helpers/workspace';
import { afterEach, suite, test } from './runner/miniTest';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

suite('corrupt notebook', () => {
  afterEach(closeAllEditors);

  test(
    'opening a corrupt .ftnb fails with the parse error and leaves its bytes unchanged',
    async () => {
      const file = fixturePath('corrupt.ftnb');
      const uri = vscode.Uri.file(file);
      const before = sha256(readFileSync(file));

      await assert.rejects(Promise.resolve(vscode.workspace.openNotebookDocument(uri)), (err: Error) => {
        assert.match(err.message, /not valid JSON/);
        assert.match(err.message, /line \d+, column \d+/);
        return true;
      });

      // The way a user opens it: the notebook editor, which shows the error in place of the notebook.
      await vscode.commands.executeCommand('vscode.openWith', uri, NOTEBOOK_TYPE).then(
        () => undefined,
        () => undefined,
      );
      await sleep(1000);
      assert.equal(
        vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === uri.toString()),
        false,
        'no notebook model may exist for a file that failed to parse',
      );
      await vscode.commands.executeCommand('workbench.action.files.saveAll');
      await closeAllEditors();
      await sleep(500);
      assert.equal(sha256(readFileSync(file)), before, 'the corrupt file was modified');
    },
    { timeoutMs: 60_000 },
  );
});
