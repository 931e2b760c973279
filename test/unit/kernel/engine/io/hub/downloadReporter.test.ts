// The Hub download's reports to the kernel's client: at most 4 a second while running, the last file's completion
// and the final state (done with the commit, failed, interrupted) always; inside a kernel, resolveSource sends them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DownloadReporter } from '../../../../../../kernel/engine/io/hub/downloadReporter';
import type { DownloadProgress } from '../../../../../../kernel/engine/io/hub/downloadProgress';
import { resolveSource } from '../../../../../../kernel/engine/io/hub/resolveSource';
import {
  KERNEL_BRIDGE_KEY,
  type DownloadReport,
  type KernelBridge,
} from '../../../../../../kernel/engine/runtime/kernelBridge';
import { FakeHub } from './fakeHub';
import { COMMIT, ID, gpt2Repo, withHfEnv } from './hubTestKit';

const step = (bytes: number, filesDone = 0): DownloadProgress => ({
  file: 'model.safetensors',
  fileBytes: bytes,
  fileTotal: 1000,
  bytes,
  total: 1000,
  filesDone,
  files: 1,
});

function reporterAt(clock: { t: number }) {
  const sent: DownloadReport[] = [];
  const reporter = new DownloadReporter(ID, 'main', (r) => sent.push(r), { now: () => clock.t });
  return { sent, reporter };
}

test('running reports are at most one per 250 ms; the completion of the last file is always sent', () => {
  const clock = { t: 0 };
  const { sent, reporter } = reporterAt(clock);
  for (let i = 1; i <= 9; i++) {
    clock.t = i * 100; // every 100 ms: 10 a second offered
    reporter.update(step(i * 100));
  }
  assert.deepEqual(
    sent.map((r) => r.bytes),
    [100, 400, 700],
  );
  clock.t += 1; // 1 ms after the last report: still sent, since the download is complete
  reporter.update(step(1000, 1));
  assert.deepEqual(
    sent.map((r) => [r.bytes, r.state]),
    [
      [100, 'running'],
      [400, 'running'],
      [700, 'running'],
      [1000, 'running'],
    ],
  );
  assert.deepEqual(sent[0], { source: ID, revision: 'main', ...step(100), state: 'running' });
});

test('the final state is sent once, right after a throttled update, with the last progress and its details', () => {
  const clock = { t: 0 };
  const { sent, reporter } = reporterAt(clock);
  reporter.update(step(100));
  clock.t = 10;
  reporter.update(step(300)); // throttled
  reporter.finish('interrupted', { message: 'Interrupted' });
  reporter.finish('failed', { message: 'again' });
  reporter.update(step(500));
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1], {
    source: ID,
    revision: 'main',
    ...step(300),
    state: 'interrupted',
    message: 'Interrupted',
  });
});

test('a download that reported no progress sends no final state', () => {
  const { sent, reporter } = reporterAt({ t: 0 });
  reporter.finish('failed', { message: '401' });
  assert.deepEqual(sent, []);
});

let hub: FakeHub;
before(async () => {
  hub = await FakeHub.start([gpt2Repo()], { pieceDelayMs: 2 });
});
after(() => hub.close());

/** A kernel bridge like the kernel's, with the client channel, for the duration of `fn`. */
async function inKernelWithClient<T>(
  signal: AbortSignal | undefined,
  fn: (sent: DownloadReport[]) => Promise<T>,
): Promise<T> {
  const sent: DownloadReport[] = [];
  const handle = { outputId: 'out-1', update: () => undefined };
  const display = Object.assign(() => handle, {
    markdown: () => handle,
    html: () => handle,
    json: () => handle,
    table: () => handle,
    image: () => handle,
  });
  const bridge: KernelBridge = {
    currentSignal: () => signal,
    display: display as unknown as KernelBridge['display'],
    reportDownload: (r) => sent.push(r),
  };
  const global = globalThis as Record<symbol, unknown>;
  global[KERNEL_BRIDGE_KEY] = bridge;
  try {
    return await fn(sent);
  } finally {
    delete global[KERNEL_BRIDGE_KEY];
  }
}

test('inside a kernel, resolveSource reports to the client and ends with "done" and the commit; a cached load reports nothing', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, () =>
    inKernelWithClient(undefined, async (sent) => {
      await resolveSource(ID, { retryDelayMs: 5 });
      const last = sent.at(-1)!;
      assert.deepEqual(
        {
          state: last.state,
          commit: last.commit,
          source: last.source,
          revision: last.revision,
          filesDone: last.filesDone,
          files: last.files,
          bytes: last.bytes,
        },
        { state: 'done', commit: COMMIT, source: ID, revision: 'main', filesDone: 4, files: 4, bytes: last.total },
      );
      assert.ok(
        sent.slice(0, -1).every((r) => r.state === 'running'),
        'every report before the last is running',
      );
      const count = sent.length;
      await resolveSource(ID);
      assert.equal(sent.length, count);
    }),
  ));

test('an interrupted download ends with "interrupted"; a failed one with "failed" and the error', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, async (home) => {
    const interrupt = new AbortController();
    await inKernelWithClient(interrupt.signal, async (sent) => {
      await assert.rejects(
        resolveSource(ID, {
          retryDelayMs: 5,
          onProgress: (p) => {
            if (p.file === 'model.safetensors' && p.fileBytes >= 32_768) interrupt.abort(new Error('Interrupted'));
          },
        }),
        /Interrupted/,
      );
      assert.equal(sent.at(-1)!.state, 'interrupted');
      assert.equal(sent.filter((r) => r.state !== 'running').length, 1);
    });
    hub.faults.push({ kind: 'drop', file: 'model.safetensors', afterBytes: 10_000, times: 3 });
    await inKernelWithClient(undefined, async (sent) => {
      await assert.rejects(resolveSource(ID, { retryDelayMs: 5, attempts: 1, cacheDir: `${home}/c2` }));
      const last = sent.at(-1)!;
      assert.equal(last.state, 'failed');
      assert.match(last.message ?? '', /model\.safetensors/);
    });
    hub.faults.length = 0;
  }));
