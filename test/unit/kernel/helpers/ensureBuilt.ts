/** Test helper: makes sure dist/kernel.js and dist/cli.js are built from the current sources (once per change). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..', '..');
export const kernelScript = join(repoRoot, 'dist', 'kernel.js');
export const cliScript = join(repoRoot, 'dist', 'cli.js');

let built = false;

export function ensureBuilt(): void {
  if (built) return;
  execFileSync('flock', ['/tmp/tunebook-kernel-build.lock', process.execPath, join(__dirname, 'buildIfStale.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  built = true;
}
