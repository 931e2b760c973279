/**
 * examples/finetune.ftnb (the README's first command) runs headless end to end: every cell, with training cut to
 * one epoch on 64 emails so it stays fast; the full notebook's numbers are in the README.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFtnb, serializeFtnb } from '../../../kernel/format/ftnb';
import { cliScript, ensureBuilt, repoRoot } from '../kernel/helpers/ensureBuilt';

const source = join(repoRoot, 'examples', 'finetune.ftnb');

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliScript, ...args], { cwd, env: { ...process.env, TUNEBOOK_BACKEND: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/finetune.ftnb', () => {
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tunebook-finetune-'));
    cpSync(join(repoRoot, 'examples', 'data', 'spam-small.jsonl'), join(dir, 'data', 'spam-small.jsonl'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses, and names only data that ships in examples/data', () => {
    const notebook = parseFtnb(readFileSync(source, 'utf8'));
    const code = notebook.cells.filter((c) => c.kind === 'code').map((c) => c.source).join('\n');
    for (const [, path] of code.matchAll(/'(data\/[^']+)'/g)) assert.ok(existsSync(join(repoRoot, 'examples', path)), path);
    assert.match(code, /lora\(model/);
    assert.match(code, /saveAdapter\(model, adapterDir\)/);
    assert.match(code, /loadAdapter\(reloaded, adapterDir\)/);
  });

  it('runs headless: before/after table, PEFT adapter in out/, the reloaded adapter scores as the trained model', async () => {
    const notebook = parseFtnb(readFileSync(source, 'utf8'));
    let shortened = 0;
    for (const cell of notebook.cells) {
      if (cell.kind !== 'code' || !cell.source.includes('await train(model, trainSet, {')) continue;
      cell.source = cell.source.replace('await train(model, trainSet, {', 'await train(model, trainSet.slice(0, 64), {').replace('epochs: 3', 'epochs: 1');
      shortened++;
    }
    assert.equal(shortened, 1, 'the training cell to shorten was not found');
    writeFileSync(join(dir, 'finetune.ftnb'), serializeFtnb(notebook));

    const run = await runCli(['run', 'finetune.ftnb', '--out', join(dir, 'finetune.out.ftnb')], dir);
    assert.equal(run.code, 0, `${run.stdout.slice(-3000)}\n${run.stderr}`);
    assert.match(run.stdout, /model\s+test accuracy\s+test F1\s+test loss/);
    const before = /before \(fresh head\)\s+(\d\.\d{3})/.exec(run.stdout);
    const after = /after LoRA r=8\s+(\d\.\d{3})/.exec(run.stdout);
    assert.ok(before && after, 'the before/after table is printed');
    assert.match(run.stdout, /trained 4 steps in/);
    const reloaded = /reloaded adapter: test accuracy (\d\.\d{3}) \(trained model: (\d\.\d{3})\)/.exec(run.stdout);
    assert.ok(reloaded, 'the reloaded adapter is evaluated');
    assert.equal(reloaded[1], reloaded[2], 'the reloaded adapter predicts as the trained model');
    assert.equal(reloaded[2], after[1]);
    const adapterDir = join(dir, 'out', 'lora-spam');
    const config = JSON.parse(readFileSync(join(adapterDir, 'adapter_config.json'), 'utf8')) as { peft_type: string; r: number; modules_to_save: string[] };
    assert.equal(config.peft_type, 'LORA');
    assert.equal(config.r, 8);
    assert.ok(statSync(join(adapterDir, 'adapter_model.safetensors')).size > 10_000);
  });
});
