// node:test entry for the in-extension-host suite: bundles test/integration/suite, runs it inside
// code-server's extension host with the Tunebook extension under development, then reports each
// in-host test as a node:test test (so `npm test` counts them one by one).
import { describe, it } from 'node:test';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSuite } from './launcher/bundleSuite';
import { copyNotebookFixtures } from './launcher/fixtureWorkspace';
import { repoRoot, testResultsDir } from './launcher/paths';
import { runExtensionTests } from './launcher/runExtensionTests';
import type { ResultsFile } from './suite/runner/testResult';

const artifactsDir = join(testResultsDir, 'integration');
const resultsPath = join(artifactsDir, 'results.json');
const SUITE_TIMEOUT_MS = 12 * 60_000;

async function runSuite(): Promise<{ results: ResultsFile | undefined; problem?: string }> {
  rmSync(artifactsDir, { recursive: true, force: true });
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    return { results: undefined, problem: 'dist/extension.js is missing: run node scripts/build.mjs first' };
  }
  const testsPath = await bundleSuite(
    'test/integration/suite/index.ts',
    join(repoRoot, 'out', 'integration', 'suite.js'),
  );
  const workspace = copyNotebookFixtures();
  try {
    const run = await runExtensionTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
      workspaceFolder: workspace.dir,
      artifactsDir,
      timeoutMs: SUITE_TIMEOUT_MS,
      env: { TUNEBOOK_TEST_RESULTS: resultsPath },
      log: (line) => {
        if (line.includes('[tunebook-tests]') && !line.startsWith('[browser')) console.log(line);
      },
    });
    const results = existsSync(resultsPath)
      ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsFile)
      : undefined;
    if (run.timedOut)
      return {
        results,
        problem: `the extension host did not finish within ${SUITE_TIMEOUT_MS} ms (log: ${run.logFile})`,
      };
    if (!results)
      return { results, problem: `the suite wrote no results (exit code ${run.exitCode}; log: ${run.logFile})` };
    const failed = results.results.some((r) => r.status === 'failed');
    if ((run.exitCode === 0) === failed) {
      return {
        results,
        problem: `extension host exit code ${run.exitCode} does not match the results (log: ${run.logFile})`,
      };
    }
    return { results };
  } finally {
    workspace.remove();
  }
}

describe('VS Code extension host (code-server)', async () => {
  let outcome: Awaited<ReturnType<typeof runSuite>>;
  try {
    outcome = await runSuite();
  } catch (err) {
    outcome = { results: undefined, problem: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  for (const r of outcome.results?.results ?? []) {
    it(`${r.suite}: ${r.name}`, () => {
      if (r.status === 'failed') throw new Error(r.error ?? 'failed');
    });
  }
  if (outcome.problem) {
    const problem = outcome.problem;
    it('the extension host ran the suite to completion', () => {
      throw new Error(problem);
    });
  }
});
