// The extension as users get it: `npm run package` builds the .vsix, code-server installs it into a fresh
// extensions folder, and the workbench opens a fresh workspace outside the repository, with no
// extensionDevelopmentPath (so nothing resolves from the repository's node_modules).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, workbenchUrl, type WorkbenchPage } from '../integration/launcher/browser';
import { startCodeServer, type CodeServer } from '../integration/launcher/codeServer';
import { assertToolsInstalled, codeServerEntry, node24, repoRoot } from '../integration/launcher/paths';
import { createSandbox, type Sandbox } from '../integration/launcher/sandbox';
import { makeTempDir } from '../integration/launcher/tempDirs';
import { screenshot, uiResultsDir, type Workbench } from './workbench';

export class InstalledExtensionError extends Error {
  constructor(step: string, detail: string) {
    super(`installed-extension test: ${step} failed: ${detail}`);
    this.name = 'InstalledExtensionError';
  }
}

export interface InstalledWorkbench extends Workbench {
  /** The folder code-server installed the extension into (`<extensions dir>/tunebook.tunebook-<ver>-linux-x64`). */
  extensionDir: string;
  extensionsDir: string;
}

function runLogged(
  step: string,
  args: string[],
  logFile: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile);
    const child = spawn(args[0], args.slice(1), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const collect = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-3000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end();
      if (code === 0) resolve();
      else reject(new InstalledExtensionError(step, `exit ${code ?? signal} (log: ${logFile})\n${tail}`));
    });
  });
}

/** Runs `npm run package`'s script; returns the .vsix path. */
export async function buildVsix(): Promise<string> {
  mkdirSync(uiResultsDir, { recursive: true });
  await runLogged(
    'npm run package',
    [process.execPath, join(repoRoot, 'scripts', 'package.mjs')],
    join(uiResultsDir, 'installed-package.log'),
    5 * 60_000,
  );
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return join(repoRoot, `tunebook-linux-x64-${version}.vsix`);
}

/** Installs `vsix` with code-server's CLI, opens a workbench on a fresh temporary workspace holding `files`. */
export async function openInstalledWorkbench(
  vsix: string,
  files: { from: string; to: string }[],
): Promise<InstalledWorkbench> {
  assertToolsInstalled();
  let sandbox: Sandbox | undefined;
  let workspace: { dir: string; remove(): void } | undefined;
  let server: CodeServer | undefined;
  let browser: WorkbenchPage | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    sandbox?.remove();
    workspace?.remove();
  };
  try {
    sandbox = createSandbox();
    await runLogged(
      'code-server --install-extension',
      [
        node24,
        codeServerEntry,
        '--install-extension',
        vsix,
        '--extensions-dir',
        sandbox.extensionsDir,
        '--user-data-dir',
        sandbox.userDataDir,
        '--config',
        sandbox.configFile,
      ],
      join(uiResultsDir, 'installed-install.log'),
      3 * 60_000,
      {
        ...process.env,
        XDG_DATA_HOME: `${sandbox.xdgDir}/data`,
        XDG_CONFIG_HOME: `${sandbox.xdgDir}/config`,
        XDG_CACHE_HOME: `${sandbox.xdgDir}/cache`,
      },
    );
    const installed = readdirSync(sandbox.extensionsDir).filter((name) => name.startsWith('tunebook.tunebook-'));
    if (installed.length !== 1)
      throw new InstalledExtensionError(
        'install',
        `expected one tunebook.tunebook-* folder in ${sandbox.extensionsDir}, found ${JSON.stringify(readdirSync(sandbox.extensionsDir))}`,
      );
    const extensionDir = join(sandbox.extensionsDir, installed[0]);

    workspace = makeTempDir('tunebook-installed-ws-');
    for (const file of files) {
      mkdirSync(join(workspace.dir, file.to, '..'), { recursive: true });
      writeCopy(file.from, join(workspace.dir, file.to));
    }
    server = await startCodeServer({ sandbox, logFile: join(uiResultsDir, 'installed-code-server.log') });
    browser = await launchBrowser({});
    await browser.page.goto(workbenchUrl({ origin: server.origin, folder: workspace.dir }), {
      waitUntil: 'domcontentloaded',
      timeout: 60_000,
    });
    await browser.page.locator('.monaco-workbench .explorer-folders-view').waitFor({ timeout: 60_000 });
    await browser.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 30_000 });
    return { page: browser.page, workspace, close, extensionDir, extensionsDir: sandbox.extensionsDir };
  } catch (err) {
    if (browser) await screenshot(browser.page, 'installed-startup-failure').catch(() => undefined);
    await close();
    throw err;
  }
}

function writeCopy(from: string, to: string): void {
  // Read and write (not cpSync) so a copied file never keeps a link into the repository.
  writeFileSync(to, readFileSync(from));
}
