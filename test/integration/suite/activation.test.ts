// The extension loads in the real extension host and registers what the other suites use.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../extension/commandIds';
import { EXTENSION_ID, activateTunebook } from './helpers/tunebook';
import { suite, test } from './runner/miniTest';

suite('activation', () => {
  test('the Tunebook extension activates and registers its commands', async () => {
    await activateTunebook();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(COMMANDS)) assert.ok(commands.has(id), `command ${id} is not registered`);
  });
});
