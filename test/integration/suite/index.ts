// Entry point the extension host loads as `extensionTestsPath`: runs every suite, writes the
// results file the launcher reads, and rejects when a test failed (the host then exits non-zero).
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { runAll } from './runner/miniTest';
import type { ResultsFile } from './runner/testResult';
import './activation.test';
import './notebookExecution.test';
import './interrupt.test';
import './kernelCrash.test';
import './corruptNotebook.test';

export async function run(): Promise<void> {
  process.setSourceMapsEnabled(true);
  const resultsPath = process.env.TUNEBOOK_TEST_RESULTS;
  if (!resultsPath)
    throw new Error(
      'TUNEBOOK_TEST_RESULTS is not set; start these tests through test/integration/extensionHost.test.ts',
    );
  const log = (line: string) => console.log(`[tunebook-tests] ${line}`);
  const startedAt = new Date().toISOString();
  const results = await runAll(log);
  const file: ResultsFile = { vscodeVersion: vscode.version, startedAt, results };
  writeFileSync(resultsPath, JSON.stringify(file, null, 2));
  const failed = results.filter((r) => r.status === 'failed').length;
  if (failed > 0) throw new Error(`${failed} of ${results.length} extension-host tests failed`);
}
