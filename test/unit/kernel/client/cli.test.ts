/** The headless runner (dist/cli.js): exit codes, printed outputs, the executed notebook it writes. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFtnb, serializeFtnb, type FtnbCell } from '../../../../kernel/format/ftnb';
import { MIME } from '../../../../kernel/protocol';
import { cliScript, ensureBuilt, repoRoot } from '../helpers/ensureBuilt';
import { makeNotebookDir, removeDir } from '../helpers/kernelHarness';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliScript, ...args], {
      cwd: repoRoot,
      env: { ...process.env, TUNEBOOK_BACKEND: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const code = (source: string): FtnbCell => ({ kind: 'code', language: 'typescript', source });

describe('tunebook run', () => {
  let dir: string;
  const notebook = (name: string, cells: FtnbCell[]) => {
    const path = join(dir, name);
    writeFileSync(path, serializeFtnb({ tunebook: 1, metadata: {}, cells }));
    return path;
  };

  before(() => {
    ensureBuilt();
    dir = makeNotebookDir(['greeter']);
  });
  after(() => removeDir(dir));

  it('exits 0 when every cell succeeds and writes outputs and execution records to --out (creating its folder)', async () => {
    const input = notebook('ok.ftnb', [
      { kind: 'markdown', source: '# Title' },
      code("import { greet } from 'greeter';\nconsole.log(greet('CLI'))"),
      code("display.html('<b>bold</b>');\n21 * 2"),
    ]);
    const out = join(dir, 'not-yet', 'there', 'ok.out.ftnb');
    const run = await cli(['run', input, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Hello, CLI!/);
    assert.match(run.stdout, /\[HTML output, 11 characters\]/);
    assert.match(run.stdout, /2 code cells ran, all succeeded/);
    const written = parseFtnb(readFileSync(out, 'utf8'));
    assert.deepEqual(written.cells[0], { kind: 'markdown', source: '# Title' });
    assert.deepEqual(written.cells[1].outputs, [{ items: [{ mime: MIME.stdout, data: 'Hello, CLI!\n' }] }]);
    assert.deepEqual(written.cells[2].outputs, [
      { items: [{ mime: MIME.html, data: '<b>bold</b>' }] },
      { items: [{ mime: MIME.text, data: '42' }] },
    ]);
    assert.deepEqual(
      written.cells
        .slice(1)
        .map((c) => [c.execution?.order, c.execution?.success, Number.isInteger(c.execution?.durationMs)]),
      [
        [1, true, true],
        [2, true, true],
      ],
    );
  });

  it('exits 1 at the first failing cell and stops there, or runs on with --keep-going', async () => {
    const input = notebook('fail.ftnb', [
      code('const a = 1'),
      code('const b = 2;\nthrow new Error(`broken ${b}`)'),
      code('a + 1'),
    ]);
    const out = join(dir, 'fail.out.ftnb');
    const stopped = await cli(['run', input, '--out', out]);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /Error: broken 2\n\s+at Cell 2:2:/);
    const written = parseFtnb(readFileSync(out, 'utf8'));
    assert.deepEqual(
      written.cells.map((c) => c.execution?.success),
      [true, false, undefined],
    );
    const error = JSON.parse(written.cells[1].outputs![0].items[0].data);
    assert.deepEqual([error.name, error.message], ['Error', 'broken 2']);

    const kept = await cli(['run', input, '--out', out, '--keep-going']);
    assert.equal(kept.code, 1);
    const all = parseFtnb(readFileSync(out, 'utf8'));
    assert.deepEqual(
      all.cells.map((c) => c.execution?.success),
      [true, false, true],
    );
    assert.equal(all.cells[2].outputs![0].items[0].data, '2');
  });

  it('interrupts and fails a cell that runs past --timeout', async () => {
    const input = notebook('slow.ftnb', [code('await new Promise((r) => setTimeout(r, 20_000))')]);
    const out = join(dir, 'slow.out.ftnb');
    const started = Date.now();
    const run = await cli(['run', input, '--timeout', '0.5', '--out', out]);
    assert.equal(run.code, 1);
    assert.ok(Date.now() - started < 10_000);
    const error = JSON.parse(parseFtnb(readFileSync(out, 'utf8')).cells[0].outputs![0].items[0].data);
    assert.equal(error.name, 'TimeoutError');
    assert.match(error.message, /longer than the 0.5 s limit \(--timeout\) and was interrupted\.$/);
  });

  it('interrupts the running cell on Ctrl-C and exits 1', async () => {
    const input = notebook('ctrlc.ftnb', [
      code("console.log('waiting');\nawait new Promise((r) => setTimeout(r, 20_000))"),
      code('1'),
    ]);
    let sent = false;
    const run = await cli(['run', input], (stdout, child) => {
      if (!sent && stdout.includes('waiting')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /InterruptedError: Interrupted/);
    assert.match(run.stdout, /1 code cell ran, 1 failed/);
  });

  it('exits 2 with a specific message for usage and format errors', async () => {
    const broken = join(dir, 'broken.ftnb');
    writeFileSync(broken, '{ "tunebook": 1, "cells": [ }');
    const cases: Array<[string[], RegExp]> = [
      [['run', broken], /broken\.ftnb is not valid JSON \(line 1, column \d+/],
      [['run', join(dir, 'missing.ftnb')], /Cannot read the notebook .*missing\.ftnb: no such file/],
      [
        ['run', broken, '--backend', 'gpu9000'],
        /Unknown backend 'gpu9000'; choose one of auto, tensorflow-gpu, webgpu, tensorflow, native, wasm, cpu/,
      ],
      [['run', broken, '--timeout', 'soon'], /--timeout takes a positive number of seconds, not 'soon'/],
      [['run', broken, '--frobnicate'], /Unknown option '--frobnicate'/],
      [['run'], /Which notebook\?/],
      [['compile', broken], /Unknown command 'compile'/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    // An unknown TUNEBOOK_BACKEND is refused too (it used to run auto silently).
    const fromEnv = await cli(['run', broken], undefined, { TUNEBOOK_BACKEND: 'webgpu9' });
    assert.equal(fromEnv.code, 2, fromEnv.stderr);
    assert.match(
      fromEnv.stderr,
      /TUNEBOOK_BACKEND='webgpu9' is not a backend; choose one of auto, tensorflow-gpu, webgpu, tensorflow, native, wasm, cpu/,
    );
  });

  it('runs the hello example notebook', async () => {
    const run = await cli(['run', join(repoRoot, 'examples', 'hello.ftnb')]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /tick 5/);
    assert.match(run.stdout, /all succeeded/);
  });

  it('prints help with --help', async () => {
    const run = await cli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Usage: tunebook run <notebook\.ftnb>/);
  });
});
