// Inside a kernel: the default progress is one cell output updated in place, the cell's interrupt stops the
// download (the partial blob is kept for the next load); a stalled connection times out and is continued.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSource } from '../../../../../../kernel/engine/io/hub/resolveSource';
import { KERNEL_BRIDGE_KEY, type KernelBridge } from '../../../../../../kernel/engine/runtime/kernelBridge';
import { HubError } from '../../../../../../kernel/engine/io/hubError';
import { FakeHub, sha256Hex } from './fakeHub';
import { ID, gpt2Repo, withHfEnv } from './hubTestKit';

const REPO = gpt2Repo();
const WEIGHTS_SHA = sha256Hex(REPO.files['model.safetensors']);
let hub: FakeHub;
before(async () => {
  hub = await FakeHub.start([REPO], { pieceDelayMs: 2 });
});
after(() => hub.close());

interface Drawn {
  shown: unknown[];
  updates: unknown[];
}

/** Installs a kernel bridge like the kernel's for the duration of `fn`. */
async function inFakeKernel<T>(signal: AbortSignal | undefined, fn: (drawn: Drawn) => Promise<T>): Promise<T> {
  const drawn: Drawn = { shown: [], updates: [] };
  const handle = { outputId: 'out-1', update: (value: unknown) => void drawn.updates.push(value) };
  const display = Object.assign((value: unknown) => (drawn.shown.push(value), handle), {
    markdown: () => handle,
    html: () => handle,
    json: () => handle,
    table: () => handle,
    image: () => handle,
  });
  const bridge: KernelBridge = { currentSignal: () => signal, display: display as unknown as KernelBridge['display'] };
  const global = globalThis as Record<symbol, unknown>;
  global[KERNEL_BRIDGE_KEY] = bridge;
  try {
    return await fn(drawn);
  } finally {
    delete global[KERNEL_BRIDGE_KEY];
  }
}

test('inside a kernel, progress goes to one cell output, redrawn in place, ending with "Downloaded"', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, () =>
    inFakeKernel(undefined, async (drawn) => {
      await resolveSource(ID, { retryDelayMs: 5 });
      assert.equal(drawn.shown.length, 1, 'one output');
      assert.match(String(drawn.shown[0]), /^Downloading tiny-gpt2: 0\/4 files, [\d.]+ \/ 150\.9 kB$/);
      const last = String(drawn.updates.at(-1));
      assert.equal(last, 'Downloaded tiny-gpt2: 4/4 files, 150.9 kB');
      // A second load is from the cache: nothing is drawn.
      const before = drawn.updates.length;
      await resolveSource(ID);
      assert.equal(drawn.updates.length, before);
      assert.equal(drawn.shown.length, 1);
    }),
  ));

test('the cell interrupt stops the download; the partial blob is kept and the next load continues it', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, async (home) => {
    hub.requests.length = 0;
    const interrupt = new AbortController();
    const reason = new Error('interrupted by the user');
    await inFakeKernel(interrupt.signal, async (drawn) => {
      await assert.rejects(
        resolveSource(ID, {
          retryDelayMs: 5,
          onProgress: (p) => {
            if (p.file === 'model.safetensors' && p.fileBytes >= 32_768) interrupt.abort(reason);
          },
        }),
        (e: unknown) => e === reason,
      );
      assert.equal(drawn.shown.length, 0, 'an onProgress callback replaces the default display');
    });
    const incomplete = join(home, 'hub', 'models--acme--tiny-gpt2', 'blobs', `${WEIGHTS_SHA}.incomplete`);
    const kept = statSync(incomplete).size;
    assert.ok(kept >= 32_768 && kept < REPO.files['model.safetensors'].length, `${kept} bytes kept`);
    hub.requests.length = 0;
    const dir = await resolveSource(ID, { retryDelayMs: 5 });
    assert.deepEqual(
      hub.requestsFor('/cdn/').map((r) => r.range),
      [`bytes=${kept}-`],
    );
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), REPO.files['model.safetensors']);
  }));

test('a stalled connection times out and is continued with Range; stalling every time is a clear error', () =>
  withHfEnv({ HF_ENDPOINT: hub.url }, async (home) => {
    hub.requests.length = 0;
    hub.faults.push({ kind: 'stall', file: 'model.safetensors', afterBytes: 20_000, times: 1 });
    const dir = await resolveSource(ID, { retryDelayMs: 5, timeoutMs: 1_000 });
    assert.deepEqual(
      hub.requestsFor('/cdn/').map((r) => r.range),
      [undefined, 'bytes=20000-'],
    );
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), REPO.files['model.safetensors']);

    hub.faults.push({ kind: 'stall', file: 'model.safetensors', afterBytes: 0, times: 3 });
    await assert.rejects(
      resolveSource(ID, { retryDelayMs: 5, timeoutMs: 500, cacheDir: join(home, 'c2') }),
      (e: unknown) =>
        e instanceof HubError &&
        e.kind === 'network' &&
        /model\.safetensors .*timed out: no data for 0\.5 s/.test(e.message),
    );
  }));
