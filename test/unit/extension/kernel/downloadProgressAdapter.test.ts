/** The Hub download progress notification, with a fake `window.withProgress`: one per download, increments, cancel. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelDownloadProgressParams } from '../../../../kernel/protocol';
import {
  DownloadProgressAdapter,
  downloadMessage,
  downloadTitle,
  type ShowProgress,
} from '../../../../extension/kernel/downloadProgressAdapter';

interface FakeNotification {
  title: string;
  reports: { increment?: number; message?: string }[];
  cancel(): void;
  closed: boolean;
}

function fakeWindow() {
  const shown: FakeNotification[] = [];
  const showProgress: ShowProgress = (title, task) => {
    let cancel = () => undefined as void;
    const notification: FakeNotification = { title, reports: [], cancel: () => cancel(), closed: false };
    shown.push(notification);
    const done = task(
      { report: (value) => void notification.reports.push(value) },
      { onCancellationRequested: (listener) => (cancel = listener) },
    );
    return done.then(() => void (notification.closed = true));
  };
  return { shown, showProgress };
}

const MB = 1e6;
const at = (
  bytes: number,
  filesDone: number,
  state: ModelDownloadProgressParams['state'] = 'running',
  extra: Partial<ModelDownloadProgressParams> = {},
): ModelDownloadProgressParams => ({
  executionId: 'e1',
  source: 'openai-community/gpt2',
  revision: 'main',
  file: 'model.safetensors',
  fileBytes: bytes,
  fileTotal: 548.1 * MB,
  bytes,
  total: 548.1 * MB,
  filesDone,
  files: 5,
  state,
  ...extra,
});
const tick = () => new Promise((r) => setImmediate(r));

test('one notification per download, increments adding up to the share of bytes, closed on the final state', async () => {
  const { shown, showProgress } = fakeWindow();
  const adapter = new DownloadProgressAdapter(showProgress, () => assert.fail('no interrupt'));
  adapter.handle(at(54.81 * MB, 1));
  adapter.handle(at(210.3 * MB, 2));
  adapter.handle(at(548.1 * MB, 5));
  adapter.handle(at(548.1 * MB, 5, 'done', { commit: 'c0ffee' }));
  await tick();
  assert.equal(shown.length, 1);
  assert.equal(shown[0].title, 'Downloading gpt2');
  assert.deepEqual(
    shown[0].reports.map((r) => r.message),
    [
      '1/5 files, 54.8 / 548.1 MB',
      '2/5 files, 210.3 / 548.1 MB',
      '5/5 files, 548.1 / 548.1 MB',
      '5/5 files, 548.1 / 548.1 MB',
    ],
  );
  const increments = shown[0].reports.map((r) => r.increment ?? 0);
  assert.ok(Math.abs(increments[0] - 10) < 1e-9, `first increment ${increments[0]}`);
  assert.ok(Math.abs(increments[1] - ((100 * 210.3) / 548.1 - 10)) < 1e-9, `second increment ${increments[1]}`);
  assert.equal(increments[3], 0, 'the final state adds nothing past 100 %');
  assert.ok(Math.abs(increments.reduce((a, b) => a + b, 0) - 100) < 1e-9);
  assert.equal(shown[0].closed, true);
  // A later download of the same model (another cell run) gets its own notification.
  adapter.handle(at(0, 0, 'running', { executionId: 'e2' }));
  adapter.handle(at(0, 0, 'failed', { executionId: 'e2', message: '401: set HF_TOKEN' }));
  await tick();
  assert.equal(shown.length, 2);
  assert.equal(shown[1].reports.at(-1)!.message, '0/5 files, 0.0 / 548.1 MB — failed: 401: set HF_TOKEN');
  assert.equal(shown[1].closed, true);
});

test('cancel interrupts the kernel once, closes the notification, and ignores the download until its final state', async () => {
  const { shown, showProgress } = fakeWindow();
  let interrupts = 0;
  const adapter = new DownloadProgressAdapter(showProgress, () => interrupts++);
  adapter.handle(at(10 * MB, 0));
  shown[0].cancel();
  await tick();
  assert.equal(interrupts, 1);
  assert.equal(shown[0].closed, true);
  adapter.handle(at(20 * MB, 0)); // sent before the interrupt arrived
  adapter.handle(at(20 * MB, 0, 'interrupted'));
  assert.equal(shown.length, 1, 'no new notification for the cancelled download');
  assert.equal(shown[0].reports.length, 1);
  adapter.handle(at(1 * MB, 0)); // the next load continues the partial file: shown again
  assert.equal(shown.length, 2);
});

test('a final state without a running one shows nothing; dispose closes open notifications', async () => {
  const { shown, showProgress } = fakeWindow();
  const adapter = new DownloadProgressAdapter(showProgress, () => undefined);
  adapter.handle(at(0, 0, 'failed', { message: 'x' }));
  assert.equal(shown.length, 0);
  adapter.handle(at(1 * MB, 0));
  adapter.dispose();
  await tick();
  assert.equal(shown[0].closed, true);
});

test('a notification whose task starts late gets the latest progress', async () => {
  const notifications: { reports: unknown[] }[] = [];
  let start: (() => void) | undefined;
  const showProgress: ShowProgress = (_title, task) => {
    const n = { reports: [] as unknown[] };
    notifications.push(n);
    start = () => void task({ report: (v) => void n.reports.push(v) }, { onCancellationRequested: () => undefined });
    return Promise.resolve();
  };
  const adapter = new DownloadProgressAdapter(showProgress, () => undefined);
  adapter.handle(at(10 * MB, 0));
  adapter.handle(at(100 * MB, 1));
  start!();
  assert.deepEqual(notifications[0].reports, [
    { increment: (100 * 100) / 548.1, message: '1/5 files, 100.0 / 548.1 MB' },
  ]);
});

test('titles name the model (and a revision other than main); messages use the unit of the total', () => {
  assert.equal(downloadTitle({ source: 'acme/tiny-gpt2', revision: 'v1.0' }), 'Downloading tiny-gpt2 (v1.0)');
  assert.equal(
    downloadMessage({ bytes: 12_345, total: 150_900, filesDone: 3, files: 4, state: 'running' }),
    '3/4 files, 12.3 / 150.9 kB',
  );
  assert.equal(
    downloadMessage({ bytes: 1.2e9, total: 2.5e9, filesDone: 0, files: 2, state: 'interrupted' }),
    '0/2 files, 1.2 / 2.5 GB — interrupted',
  );
  assert.equal(
    downloadMessage({ bytes: 5, total: 999, filesDone: 0, files: 1, state: 'running' }),
    '0/1 files, 5 / 999 B',
  );
});
