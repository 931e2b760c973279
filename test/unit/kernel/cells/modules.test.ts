/**
 * "tunebook" and "@tensorflow/tfjs*" imports resolve to the engine bundle next to the kernel, loaded lazily.
 * Uses a copy of dist/kernel.js next to a stand-in engine.js built from test/fixtures/kernel/engine-standin.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { KernelClient } from '../../../../kernel/client';
import { MIME } from '../../../../kernel/protocol';
import { ensureBuilt, kernelScript, repoRoot } from '../helpers/ensureBuilt';
import { fixturesDir, removeDir, runCell, sleep, startClient, valueOf } from '../helpers/kernelHarness';

function kernelCopy(withEngine: boolean): Promise<string> | string {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'tunebook-kernel-'));
  copyFileSync(kernelScript, join(dir, 'kernel.js'));
  if (!withEngine) return dir;
  return build({
    entryPoints: [join(fixturesDir, 'engine-standin', 'index.ts')],
    outfile: join(dir, 'engine.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    absWorkingDir: repoRoot,
    logLevel: 'warning',
  }).then(() => dir);
}

describe('engine imports', () => {
  let dir: string;
  let client: KernelClient;

  before(async () => {
    dir = await kernelCopy(true);
    client = await startClient({ kernelScript: join(dir, 'kernel.js') });
  });
  after(async () => {
    await client.dispose();
    removeDir(dir);
  });

  it('loads the engine only when a cell imports it, once', async () => {
    assert.equal(await valueOf(client, 'typeof globalThis.__standinEngineLoads'), "'undefined'");
    await runCell(client, "import * as tb from 'tunebook';");
    await runCell(client, "import { train } from 'tunebook';");
    assert.equal(await valueOf(client, 'globalThis.__standinEngineLoads'), '1');
  });

  it("gives the engine's own tf for @tensorflow/tfjs and @tensorflow/tfjs-core", async () => {
    await runCell(
      client,
      "import tf from '@tensorflow/tfjs';\nimport * as core from '@tensorflow/tfjs-core';\nimport { tf as engineTf } from 'tunebook';",
    );
    assert.equal(await valueOf(client, 'tf === engineTf && core.add === engineTf.add && core.add(2, 3)'), '5');
  });

  it("exposes the running cell's signal to the engine, whose loops stop on interrupt and draw through display", async () => {
    assert.equal(await valueOf(client, 'tb.hasSignal()'), 'true');
    const running = runCell(client, 'await tb.train(1_000_000)');
    await sleep(200);
    assert.equal(await client.interrupt(), 'cooperative');
    const run = await running;
    assert.equal(run.result.interrupted, true);
    const progress = run.outputs.outputs.flatMap((o) => o.items).find((i) => i.mime === MIME.markdown);
    assert.match(progress!.data, /^step [1-9]\d*$/, 'progress was redrawn in place');
    await sleep(50); // a step already waiting on its 5 ms timer may still finish
    const stepsAtStop = Number(await valueOf(client, 'tb.stepsRun'));
    await sleep(100);
    assert.equal(Number(await valueOf(client, 'tb.stepsRun')), stepsAtStop, 'the engine loop stopped too');
  });
});

describe('engine missing', () => {
  it('says where the engine bundle was expected', async () => {
    const dir = await kernelCopy(false);
    const client = await startClient({ kernelScript: join(dir, 'kernel.js') });
    try {
      const run = await runCell(client, "import { load } from 'tunebook'");
      assert.equal(run.result.error?.name, 'ImportError');
      assert.match(
        run.result.error!.message,
        new RegExp(`The Tunebook engine is missing: expected ${join(dir, 'engine.js')}`),
      );
    } finally {
      await client.dispose();
      removeDir(dir);
    }
  });
});
