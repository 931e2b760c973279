/**
 * What "Tunebook: Open Example…" copies: an example notebook and the entries of `data/` its cells name, from the
 * extension's `examples/` folder into a workspace folder, keeping the layout the cells expect (`data/...` next to
 * the notebook). Pure functions over POSIX-style relative paths; the command does the file system work.
 */
import { posix } from 'node:path';

export class ExampleCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExampleCopyError';
  }
}

export interface ExampleCopy {
  /** Relative to the examples folder, e.g. `finetune.ftnb`, `data/vit-digits`. */
  from: string;
  /** Relative to the workspace folder (the same relative path). */
  to: string;
}

export interface ExampleCopyPlan {
  notebook: string;
  copies: ExampleCopy[];
  /** Targets that already exist in the workspace and would be overwritten (ask first). */
  conflicts: string[];
}

/**
 * The top-level entries of `data/` a notebook's code cells name in string literals (`'data/spam-small.jsonl'`,
 * `` `data/vit-digits/train` `` → `data/vit-digits`), sorted, each once.
 */
export function dataEntriesOf(codeSources: readonly string[]): string[] {
  const entries = new Set<string>();
  for (const source of codeSources) {
    for (const match of source.matchAll(/['"`](?:\.\/)?data\/([^'"`$\s]+)['"`]/g)) {
      const first = match[1].split('/')[0];
      if (first !== '' && first !== '..' && first !== '.') entries.add(`data/${first}`);
    }
  }
  return [...entries].sort();
}

/** Example notebook file names (`*.ftnb` directly in the examples folder), sorted. */
export function exampleNotebooks(fileNames: readonly string[]): string[] {
  return fileNames.filter((name) => name.endsWith('.ftnb') && !name.includes('/')).sort();
}

/**
 * The paths (relative to the examples folder, and the same relative to the workspace folder) that
 * `notebook` needs: the notebook and the `data/` entries its code names. `available` are the entries of the
 * examples folder (`finetune.ftnb`, `data/spam-small.jsonl`, `data/vit-digits`).
 */
export function exampleCopyPaths(
  notebook: string,
  codeSources: readonly string[],
  available: ReadonlySet<string>,
): string[] {
  if (posix.basename(notebook) !== notebook || !notebook.endsWith('.ftnb')) {
    throw new ExampleCopyError(
      `'${notebook}' is not an example notebook name (expected a *.ftnb file in the examples folder)`,
    );
  }
  const paths = [notebook, ...dataEntriesOf(codeSources)];
  const missing = paths.filter((p) => !available.has(p));
  if (missing.length > 0) {
    throw new ExampleCopyError(
      `${notebook} needs ${missing.join(', ')}, which the extension's examples folder does not have`,
    );
  }
  return paths;
}

/** Which files to copy for `notebook`, and which of them would overwrite a path in `existing` (ask first). */
export function planExampleCopy(
  notebook: string,
  codeSources: readonly string[],
  available: ReadonlySet<string>,
  existing: ReadonlySet<string>,
): ExampleCopyPlan {
  const copies = exampleCopyPaths(notebook, codeSources, available).map((p) => ({ from: p, to: p }));
  return { notebook, copies, conflicts: copies.map((c) => c.to).filter((to) => existing.has(to)) };
}

/** The first markdown heading of a notebook (its title in the quick pick), or undefined. */
export function notebookTitle(markdownSources: readonly string[]): string | undefined {
  for (const source of markdownSources) {
    const heading = /^#\s+(.+)$/m.exec(source);
    if (heading) return heading[1].trim();
  }
  return undefined;
}
