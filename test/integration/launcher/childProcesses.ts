// Keeps track of the process trees the test launcher starts and kills them all when the
// launcher exits for any reason (normal exit, failure, SIGINT/SIGTERM).
import type { ChildProcess } from 'node:child_process';
import { descendantsOf } from './processTree';

const roots = new Set<number>();
let hooked = false;

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Kills the whole tree under `root`: its process group and every descendant found in /proc. */
function killTree(root: number, signal: NodeJS.Signals): void {
  const descendants = descendantsOf(root);
  signalPid(-root, signal);
  signalPid(root, signal);
  for (const pid of descendants) signalPid(pid, signal);
}

export function killAllTracked(): void {
  for (const root of roots) killTree(root, 'SIGKILL');
  roots.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // First among exit handlers: processes die before their folders are removed.
  process.prependListener('exit', killAllTracked);
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const signal of Object.keys(codes) as (keyof typeof codes)[]) {
    process.once(signal, () => {
      killAllTracked();
      process.exit(codes[signal]);
    });
  }
}

export interface TrackedProcess {
  /** SIGTERM to the tree, then after `graceMs` SIGKILL to whatever is left. */
  stop(graceMs?: number): Promise<void>;
}

/** Tracks a child spawned with `detached: true` (so it leads its own process group). */
export function trackProcessTree(child: ChildProcess): TrackedProcess {
  hookExit();
  const root = child.pid;
  if (root === undefined) throw new Error('child process has no pid (spawn failed)');
  roots.add(root);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    async stop(graceMs = 3000) {
      const descendants = descendantsOf(root);
      killTree(root, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
      killTree(root, 'SIGKILL');
      for (const pid of descendants) signalPid(pid, 'SIGKILL');
      roots.delete(root);
    },
  };
}
