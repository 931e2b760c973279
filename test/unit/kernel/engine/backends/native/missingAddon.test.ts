// Without the addon (TUNEBOOK_NATIVE_DIR points at a folder holding only a failed build's record) the ladder
// skips native with the build's reason, auto runs wasm, and forcing native is a BackendError saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebook-no-native-'));
fs.writeFileSync(
  path.join(dir, 'build.json'),
  JSON.stringify({ built: false, reason: 'OpenBLAS headers not found (test)' }),
);
process.env.TUNEBOOK_NATIVE_DIR = dir;
process.env.TUNEBOOK_THREADS = '1';

test('auto skips native with the recorded reason and runs wasm; forcing native names the reason', async () => {
  const { initBackend, backend } = await import('../../../../../../kernel/engine/backends/ladder');
  const { BackendError } = await import('../../../../../../kernel/engine/backends/backendError');
  await assert.rejects(
    initBackend('native'),
    (e: unknown) =>
      e instanceof BackendError &&
      /native backend was requested but cannot start: native skipped: the native addon is not built \(OpenBLAS headers not found \(test\)\)/.test(
        e.message,
      ),
  );
  const report = await initBackend('auto');
  assert.equal(report.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(
    backend().fallbackReason ?? '',
    /native skipped: the native addon is not built \(OpenBLAS headers not found \(test\)\)/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with no build record at all the reason says to run the build', async () => {
  const { loadNativeAddon } = await import('../../../../../../kernel/engine/backends/native/addon');
  const { NativeBackendError } = await import('../../../../../../kernel/engine/backends/native/nativeError');
  assert.throws(
    () => loadNativeAddon(),
    (e: unknown) => e instanceof NativeBackendError && /no build record in .*run npm run build/.test(e.message),
  );
});
