/** The kernel client's process management: interrupts, restarts, crashes, diagnostics. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KernelStartError } from '../../../../kernel/client';
import type { KernelState } from '../../../../kernel/protocol';
import { kernelScript } from '../helpers/ensureBuilt';
import { runCell, sleep, startClient, valueOf } from '../helpers/kernelHarness';

describe('KernelClient', () => {
  it('interrupts an awaiting loop within 200 ms and keeps the notebook state', async () => {
    const client = await startClient();
    try {
      await runCell(client, 'let steps = 0;\nconst step = () => new Promise((r) => setTimeout(r, 10));');
      const pid = client.pid;
      const running = runCell(client, 'for (let i = 0; i < 1e6; i++) {\n  await step();\n  steps++;\n}');
      await sleep(150);
      const asked = performance.now();
      const how = await client.interrupt();
      const run = await running;
      const took = performance.now() - asked;
      assert.equal(how, 'cooperative');
      assert.ok(took < 200, `stopped ${took.toFixed(0)} ms after the interrupt`);
      assert.deepEqual(
        [run.result.success, run.result.interrupted, run.result.error?.message],
        [false, true, 'Interrupted'],
      );
      assert.ok(Number(await valueOf(client, 'steps')) > 3, 'steps taken before the interrupt are kept');
      assert.equal(client.pid, pid);
      assert.equal(await client.interrupt(), 'idle');
    } finally {
      await client.dispose();
    }
  });

  it('restarts the kernel when a synchronous loop ignores the interrupt, saying the state was lost', async () => {
    const client = await startClient({ interruptGraceMs: 300 });
    try {
      await runCell(client, 'const kept = 1');
      const pid = client.pid;
      const running = runCell(client, 'while (true) {}');
      await sleep(100);
      assert.equal(await client.interrupt(), 'restarted');
      const run = await running;
      assert.equal(run.result.error?.name, 'KernelRestartedError');
      assert.match(run.result.error!.message, /did not stop within 0\.3 s of the interrupt.*state was lost/);
      assert.equal(run.result.interrupted, true);
      assert.notEqual(client.pid, pid);
      assert.equal(client.state, 'idle');
      assert.equal(await valueOf(client, 'typeof kept'), "'undefined'");
    } finally {
      await client.dispose();
    }
  });

  it('fails the running cell clearly when the kernel is killed, and the next run starts a fresh kernel', async () => {
    const client = await startClient();
    try {
      const states: KernelState[] = [];
      client.onDidChangeState((s) => states.push(s));
      const pid = client.pid!;
      const running = runCell(client, 'await new Promise((r) => setTimeout(r, 10_000))');
      while (client.state !== 'busy') await sleep(10);
      process.kill(pid, 'SIGKILL');
      const run = await running;
      assert.deepEqual(run.result.error && { name: run.result.error.name, message: run.result.error.message }, {
        name: 'KernelDiedError',
        message:
          'The kernel process exited (signal SIGKILL) while this cell ran; its state was lost. Run the cell again to start a fresh kernel.',
      });
      assert.equal(client.state, 'dead');
      assert.equal(await valueOf(client, '6 * 7'), '42');
      assert.notEqual(client.pid, pid);
      assert.deepEqual(states.slice(0, 4), ['busy', 'dead', 'starting', 'idle']);
    } finally {
      await client.dispose();
    }
  });

  it('names the exit code when a cell ends the kernel process', async () => {
    const client = await startClient();
    try {
      const run = await runCell(client, 'process.exit(3)');
      assert.match(run.result.error!.message, /^The kernel process exited \(exit code 3\) while this cell ran/);
    } finally {
      await client.dispose();
    }
  });

  it('says so when the kernel runs out of memory', async () => {
    const client = await startClient({ env: { NODE_OPTIONS: '--max-old-space-size=48' } });
    try {
      const run = await runCell(
        client,
        'const hog: number[][] = [];\nwhile (true) hog.push(new Array(1e5).fill(1.5));',
      );
      assert.equal(run.result.error?.name, 'KernelDiedError');
      assert.match(
        run.result.error!.message,
        /^The kernel process ran out of memory and exited \(signal SIGABRT\) while this cell ran; its state was lost/,
      );
      assert.match(run.result.error!.stack!, /heap out of memory/);
      assert.equal(await valueOf(client, '1 + 1'), '2');
    } finally {
      await client.dispose();
    }
  });

  it('captures what the kernel writes to its real stderr for diagnostics', async () => {
    const client = await startClient();
    try {
      const logged: string[] = [];
      client.onDidLog((entry) => logged.push(entry.message));
      await runCell(client, "require('node:fs').writeSync(2, 'native-stderr-line\\n')");
      await sleep(50);
      assert.match(client.stderrTail(), /native-stderr-line/);
      assert.ok(logged.some((m) => m.includes('native-stderr-line')));
    } finally {
      await client.dispose();
    }
  });

  it('passes the backend choice to the kernel environment and stops the process on dispose', async () => {
    const client = await startClient({ backend: 'wasm' });
    const pid = client.pid!;
    assert.equal(
      await valueOf(client, '[process.env.TUNEBOOK_BACKEND, process.env.ELECTRON_RUN_AS_NODE].join()'),
      "'wasm,1'",
    );
    await client.dispose();
    assert.equal(client.state, 'dead');
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
    await assert.rejects(
      client.execute({ code: '1', cellName: 'x' }, { onStream: () => undefined, onDisplay: () => undefined }),
      /disposed/,
    );
  });

  it('explains a kernel that cannot start', async () => {
    await assert.rejects(
      startClient({ kernelScript: join(kernelScript, '..', 'missing-kernel.js') }),
      (error: unknown) => {
        return error instanceof KernelStartError && /missing-kernel\.js does not exist/.test(error.message);
      },
    );
    await assert.rejects(startClient({ nodePath: '/nonexistent/node' }), (error: unknown) => {
      return (
        error instanceof KernelStartError && /Could not start the kernel with \/nonexistent\/node/.test(error.message)
      );
    });
  });
});
