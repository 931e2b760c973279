// Starts code-server (the VS Code server + web workbench) on a free loopback port.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { codeServerEntry, node24 } from './paths';
import type { Sandbox } from './sandbox';
import { trackProcessTree } from './childProcesses';
import { waitFor } from './waitFor';

export interface CodeServer {
  port: number;
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/** Environment variables that would change how code-server or Node behaves under test. */
const leakyEnv =
  /^(PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN|CODE_SERVER_.*|CS_.*|VSCODE_.*|ELECTRON_.*|NODE_OPTIONS|NODE_PATH|PORT)$/;

export async function startCodeServer(opts: {
  sandbox: Sandbox;
  logFile: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<CodeServer> {
  const { sandbox } = opts;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!leakyEnv.test(k)) env[k] = v;
  Object.assign(env, {
    XDG_DATA_HOME: `${sandbox.xdgDir}/data`,
    XDG_CONFIG_HOME: `${sandbox.xdgDir}/config`,
    XDG_CACHE_HOME: `${sandbox.xdgDir}/cache`,
    ...opts.env,
  });
  const args = [
    codeServerEntry,
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--config',
    sandbox.configFile,
    '--user-data-dir',
    sandbox.userDataDir,
    '--extensions-dir',
    sandbox.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    '--reconnection-grace-time',
    '5',
    '--vscode-option',
    'enable-smoke-test-driver',
    '--log',
    'info',
  ];
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile);
  const child = spawn(node24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tracked = trackProcessTree(child);
  let output = '';
  let exited: string | undefined;
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 200_000) output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.once('exit', (code, signal) => {
    exited = `code-server exited early (code ${code}, signal ${signal})`;
  });

  let port = 0;
  try {
    await waitFor(
      'code-server to listen',
      () => {
        if (exited) throw new Error(`${exited}; log: ${opts.logFile}\n${output.slice(-2000)}`);
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m) port = Number(m[1]);
        return port > 0;
      },
      { timeoutMs: opts.startTimeoutMs ?? 60_000 },
    );
    const origin = `http://127.0.0.1:${port}`;
    await waitFor(
      'code-server /healthz',
      async () => {
        if (exited) throw new Error(`${exited}; log: ${opts.logFile}`);
        try {
          return (await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5000) })).ok;
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000 },
    );
    return {
      port,
      origin,
      pid: child.pid!,
      async stop() {
        await tracked.stop();
        await new Promise<void>((r) => log.end(r));
      },
    };
  } catch (err) {
    await tracked.stop(0);
    log.end();
    throw err;
  }
}
