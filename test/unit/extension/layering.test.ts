import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..', '..');

/** Module specifiers a file imports, requires or dynamically imports (comments and strings are not imports). */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

function importsVscode(source: string): boolean {
  return importsOf(source).some((name) => name === 'vscode' || name.startsWith('vscode/'));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(?:[cm]?[jt]s|tsx)$/.test(entry.name) ? [path] : [];
  });
}

describe('layering', () => {
  it('recognises every way of importing vscode, and not vscode-jsonrpc', () => {
    for (const line of [
      "import * as vscode from 'vscode';",
      'import { window } from "vscode"',
      "const v = require('vscode')",
      "await import('vscode')",
      "import 'vscode';",
      "export { Uri } from 'vscode';",
      "import x from 'vscode/lib'",
    ]) {
      assert.equal(importsVscode(line), true, line);
    }
    for (const line of [
      "import { RequestType } from 'vscode-jsonrpc';",
      "// must not import 'vscode'",
      "/* require('vscode') */",
      "const id = 'vscode';",
    ]) {
      assert.equal(importsVscode(line), false, line);
    }
  });

  it('no file under kernel/ imports or requires vscode', () => {
    const files = sourceFiles(join(root, 'kernel'));
    assert.ok(
      files.some((f) => f.endsWith(join('format', 'ftnb.ts'))),
      'the scan should see kernel/format/ftnb.ts',
    );
    const offenders = files
      .filter((file) => importsVscode(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    assert.deepEqual(
      offenders,
      [],
      `kernel/ must stay free of vscode (the headless runner and the kernel process have none): ${offenders.join(', ')}`,
    );
  });
});
