// A temporary copy of test/fixtures/notebooks to open as the workspace, so tests may run,
// edit and save notebooks without touching the repository.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { makeTempDir } from './tempDirs';

export interface FixtureWorkspace {
  dir: string;
  remove(): void;
}

export function copyNotebookFixtures(): FixtureWorkspace {
  const { dir, remove } = makeTempDir('tunebook-ws-');
  cpSync(join(repoRoot, 'test', 'fixtures', 'notebooks'), dir, { recursive: true });
  return { dir, remove };
}
