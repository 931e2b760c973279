// The layering rules of .dependency-cruiser.cjs catch real violations: a scratch tree (in a temp folder, never
// the repository) with one file breaking each rule makes depcruise exit non-zero naming the rule, and the same
// tree without them passes. Also `npm run lint:prove`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'tunebook-depcruise-'));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(scratch, path)), { recursive: true });
  writeFileSync(join(scratch, path), text);
}

/** Runs depcruise as `npm run lint` does; `violations` are "<rule> <from file>" read from its `err` report. */
function cruise(): { status: number | null; violations: string[]; output: string } {
  const run = spawnSync(
    join(root, 'node_modules', '.bin', 'depcruise'),
    ['kernel', 'webviews', 'extension', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'],
    { cwd: scratch, encoding: 'utf8' },
  );
  const output = `${run.stdout}${run.stderr}`;
  const violations = [...output.matchAll(/error ([\w-]+): (\S+)/g)].map((m) => `${m[1]} ${m[2]}`);
  return { status: run.status, violations, output };
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('dependency-cruiser layering rules', () => {
  copyFileSync(join(root, 'tsconfig.json'), join(scratch, 'tsconfig.json'));
  write('kernel/protocol/index.ts', 'export const PROTOCOL_VERSION = 1;\n');
  write(
    'kernel/server/kernelServer.ts',
    "import { PROTOCOL_VERSION } from '../protocol';\nexport const v = PROTOCOL_VERSION;\n",
  );
  write('kernel/engine/index.ts', 'export const engine = 1;\n');
  write(
    'webviews/ranking/messages.ts',
    "import type { PROTOCOL_VERSION } from '../../kernel/protocol';\nexport type V = typeof PROTOCOL_VERSION;\n",
  );
  write(
    'extension/panels/ranking.ts',
    "import * as vscode from 'vscode';\nimport { PROTOCOL_VERSION } from '../../kernel/protocol';\nexport const x = [vscode, PROTOCOL_VERSION];\n",
  );

  it('passes a tree that keeps to the layers', () => {
    const { status, violations, output } = cruise();
    assert.deepEqual(violations, []);
    assert.equal(status, 0, output);
  });

  it('fails, naming the rule, for each kind of violation', () => {
    write('kernel/store/probeVscode.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n");
    write('kernel/engine/probeServer.ts', "import { v } from '../server/kernelServer';\nexport const probe = v;\n");
    write(
      'webviews/probeEngine.ts',
      "import { engine } from '../kernel/engine/index';\nexport const probe = engine;\n",
    );
    write(
      'extension/probeEngine.ts',
      "import { engine } from '../kernel/engine/index';\nexport const probe = engine;\n",
    );
    write('kernel/store/probeA.ts', "import { b } from './probeB';\nexport const a = () => b;\n");
    write('kernel/store/probeB.ts', "import { a } from './probeA';\nexport const b = () => a;\n");
    const { status, violations } = cruise();
    assert.notEqual(status, 0, 'depcruise must exit non-zero on a violation');
    const found = new Set(violations);
    for (const expected of [
      'kernel-never-imports-vscode kernel/store/probeVscode.ts',
      'engine-never-imports-process-code kernel/engine/probeServer.ts',
      'webviews-import-only-kernel-protocol webviews/probeEngine.ts',
      'extension-uses-kernel-through-client extension/probeEngine.ts',
      'no-circular kernel/store/probeA.ts',
    ]) {
      assert.ok(found.has(expected), `expected "${expected}" among: ${[...found].join('; ')}`);
    }
  });
});
