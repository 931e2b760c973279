// Runs a bundled extension-host test module inside a real VS Code workbench:
// code-server serves the workbench and runs the extension host; headless Chromium loads
// the workbench with `?payload=` naming the extension under development and the tests.
// The workbench reports the extension host's exit code through `codeAutomationExit`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, remoteUri, workbenchUrl, type WorkbenchPage } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { assertToolsInstalled } from './paths';
import { createSandbox } from './sandbox';

export interface ExtensionTestRun {
  /** Exit code of the extension host: 0 when the tests' `run()` resolved. */
  exitCode: number;
  timedOut: boolean;
  logFile: string;
}

export async function runExtensionTests(opts: {
  extensionDevelopmentPath: string;
  /** Compiled JS module exporting `run(): Promise<void>`. */
  extensionTestsPath: string;
  workspaceFolder: string;
  artifactsDir: string;
  timeoutMs: number;
  /** Passed to code-server and so to the extension host (and the tests). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<ExtensionTestRun> {
  assertToolsInstalled();
  mkdirSync(opts.artifactsDir, { recursive: true });
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(line);
    opts.log?.(line);
  };
  const sandbox = createSandbox();
  let server: CodeServer | undefined;
  let workbench: WorkbenchPage | undefined;
  const logFile = join(opts.artifactsDir, 'workbench.log');
  try {
    server = await startCodeServer({
      sandbox,
      logFile: join(opts.artifactsDir, 'code-server.log'),
      env: opts.env,
    });
    note(`code-server ${server.origin} (pid ${server.pid})`);
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    workbench = await launchBrowser({
      onConsole: note,
      exposed: {
        codeAutomationLog: (level: string, message: string) => note(`[workbench ${level}] ${message}`),
        codeAutomationExit: (code: number, logs?: { relativePath: string; contents: string }[]) => {
          for (const l of logs ?? []) {
            const file = join(opts.artifactsDir, 'vscode-logs', l.relativePath);
            mkdirSync(join(file, '..'), { recursive: true });
            writeFileSync(file, l.contents);
          }
          resolveExit(code);
        },
      },
    });
    const url = workbenchUrl({
      origin: server.origin,
      folder: opts.workspaceFolder,
      payload: [
        ['extensionDevelopmentPath', remoteUri(server.origin, opts.extensionDevelopmentPath)],
        ['extensionTestsPath', remoteUri(server.origin, opts.extensionTestsPath)],
      ],
    });
    note(`opening ${url}`);
    await workbench.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      exited.then((code) => ({ exitCode: code, timedOut: false })),
      new Promise<{ exitCode: number; timedOut: boolean }>((r) => {
        timer = setTimeout(() => r({ exitCode: -1, timedOut: true }), opts.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (result.exitCode !== 0) {
      await workbench.page
        .screenshot({ path: join(opts.artifactsDir, 'failure.png'), timeout: 10_000 })
        .catch(() => undefined);
    }
    note(
      `extension host exited with ${result.timedOut ? `no code (timed out after ${opts.timeoutMs} ms)` : result.exitCode}`,
    );
    return { ...result, logFile };
  } finally {
    await workbench?.close();
    await server?.stop();
    sandbox.remove();
    writeFileSync(logFile, lines.join('\n') + '\n');
  }
}
