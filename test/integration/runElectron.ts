// Runs the in-extension-host suite in desktop VS Code (Electron) through @vscode/test-electron,
// for machines that can download VS Code. `npm test` uses code-server instead (extensionHost.test.ts);
// both load the same bundled suite and read the same results file.
//   node --import tsx test/integration/runElectron.ts      (VSCODE_TEST_VERSION picks the version)
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleSuite } from './launcher/bundleSuite';
import { copyNotebookFixtures } from './launcher/fixtureWorkspace';
import { repoRoot, testResultsDir } from './launcher/paths';
import { testUserSettings } from './launcher/sandbox';
import type { ResultsFile } from './suite/runner/testResult';
import { writeFileSync } from 'node:fs';

const VSCODE_VERSION = process.env.VSCODE_TEST_VERSION ?? '1.139.1';

async function main(): Promise<number> {
  const artifactsDir = join(testResultsDir, 'integration-electron');
  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(artifactsDir, { recursive: true });
  const resultsPath = join(artifactsDir, 'results.json');
  const testsPath = await bundleSuite(
    'test/integration/suite/index.ts',
    join(repoRoot, 'out', 'integration', 'suite.js'),
  );
  const workspace = copyNotebookFixtures();
  const userDataDir = mkdtempSync(join(tmpdir(), 'tunebook-electron-'));
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(testUserSettings, null, 2));
  let exitCode = 1;
  try {
    exitCode = await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
      extensionTestsEnv: { TUNEBOOK_TEST_RESULTS: resultsPath },
      launchArgs: [
        workspace.dir,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--user-data-dir',
        userDataDir,
      ],
    }).catch((err: unknown) => {
      console.error(err);
      return 1;
    });
  } finally {
    workspace.remove();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  if (!existsSync(resultsPath)) {
    console.error('the suite wrote no results');
    return 1;
  }
  const { results } = JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsFile;
  for (const r of results)
    console.log(`${r.status === 'passed' ? 'ok  ' : 'FAIL'} ${r.suite}: ${r.name}${r.error ? `\n${r.error}` : ''}`);
  const failed = results.filter((r) => r.status === 'failed').length;
  console.log(`tests: ${results.length - failed} passed, ${failed} failed`);
  return failed > 0 || exitCode !== 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
