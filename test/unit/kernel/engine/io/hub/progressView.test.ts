// The in-cell download display: its text, at most one redraw per 250 ms, the final state always drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DownloadProgressView, formatBytes, progressText } from '../../../../../../kernel/engine/io/hub/progressView';
import type { DownloadProgress } from '../../../../../../kernel/engine/io/hub/downloadProgress';

const at = (bytes: number, filesDone: number, file = 'model.safetensors'): DownloadProgress => ({
  file,
  fileBytes: 0,
  fileTotal: 0,
  bytes,
  total: 548_100_000,
  filesDone,
  files: 5,
});

test('text: "Downloading gpt2: 2/5 files, 210.3 / 548.1 MB", then "Downloaded"', () => {
  assert.equal(progressText('gpt2', at(210_300_000, 2)), 'Downloading gpt2: 2/5 files, 210.3 / 548.1 MB');
  assert.equal(progressText('gpt2', at(0, 0)), 'Downloading gpt2: 0/5 files, 0.0 / 548.1 MB');
  assert.equal(progressText('gpt2', at(548_100_000, 5)), 'Downloaded gpt2: 5/5 files, 548.1 MB');
  assert.equal(formatBytes(1_234_567_890), '1.2 GB');
  assert.equal(formatBytes(12_345), '12.3 kB');
  assert.equal(formatBytes(999), '999 B');
});

test('redraws in place at most every 250 ms; completion and finish() always draw', () => {
  let clock = 0;
  const shown: string[] = [];
  const updates: string[] = [];
  const view = new DownloadProgressView('gpt2', {
    now: () => clock,
    show: (text) => {
      shown.push(text);
      return { outputId: 'o1', update: (next: string) => void updates.push(next) };
    },
  });
  view.update(at(1_000_000, 0)); // first: drawn
  for (let t = 10; t < 250; t += 10) {
    clock = t;
    view.update(at(1_000_000 + t, 0));
  }
  assert.equal(shown.length, 1);
  assert.equal(updates.length, 0, 'throttled within 250 ms');
  clock = 250;
  view.update(at(300_000_000, 3));
  assert.deepEqual(updates, ['Downloading gpt2: 3/5 files, 300.0 / 548.1 MB']);
  clock = 260;
  view.update(at(548_100_000, 5)); // complete: drawn despite the throttle
  assert.equal(updates.at(-1), 'Downloaded gpt2: 5/5 files, 548.1 MB');
  clock = 270;
  view.finish('interrupted');
  assert.equal(updates.at(-1), 'Downloaded gpt2: 5/5 files, 548.1 MB — stopped: interrupted');
  assert.equal(shown.length, 1, 'one output, updated in place');
});
