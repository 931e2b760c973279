// A temporary copy of test/fixtures/notebooks to open as the workspace, so tests may run,
// edit and save notebooks without touching the repository.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface FixtureWorkspace {
  dir: string;
  remove(): void;
}

export function copyNotebookFixtures(): FixtureWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'tunebook-ws-'));
  cpSync(join(repoRoot, 'test', 'fixtures', 'notebooks'), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }) };
}
