/** Test helper: a kernel client on the built dist/kernel.js, notebook folders with fixture packages, cell runs. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIME, type ExecuteCellResult } from '../../../../kernel/protocol';
import { KernelClient, type KernelClientOptions } from '../../../../kernel/client';
import { OutputCollector } from '../../../../kernel/client/headless/outputCollector';
import { ensureBuilt, kernelScript, repoRoot } from './ensureBuilt';

export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'kernel');

/** A temp notebook folder; with `packages`, the fixture packages are installed in its node_modules. */
export function makeNotebookDir(packages: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunebook-nb-'));
  for (const name of packages)
    cpSync(join(fixturesDir, 'packages', name), join(dir, 'node_modules', name), { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startClient(options: Partial<KernelClientOptions> = {}): Promise<KernelClient> {
  ensureBuilt();
  return KernelClient.start({ kernelScript, notebookDir: options.notebookDir ?? tmpdir(), backend: 'cpu', ...options });
}

export interface CellRun {
  result: ExecuteCellResult;
  outputs: OutputCollector;
  /** text/plain of the displayed items, in order. */
  texts: string[];
  stdout: string;
  stderr: string;
}

export async function runCell(
  client: KernelClient,
  code: string,
  cellName = 'Cell 1',
  outputs = new OutputCollector(),
): Promise<CellRun> {
  const result = await client.execute({ code, cellName }, outputs);
  const items = outputs.outputs.flatMap((o) => o.items);
  const text = (mime: string) => items.filter((i) => i.mime === mime).map((i) => i.data);
  return {
    result,
    outputs,
    texts: text(MIME.text),
    stdout: text(MIME.stdout).join(''),
    stderr: text(MIME.stderr).join(''),
  };
}

/** The value of a cell's final expression, as text; fails the test when the cell fails. */
export async function valueOf(client: KernelClient, code: string): Promise<string> {
  const run = await runCell(client, code);
  if (!run.result.success) throw new Error(`cell failed: ${JSON.stringify(run.result.error)}`);
  return run.texts[run.texts.length - 1];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
