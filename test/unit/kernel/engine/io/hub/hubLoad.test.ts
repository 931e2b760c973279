// load('owner/name') from the loopback Hub gives the same model as loading the folder it serves: equal logits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../../kernel/engine/models/load';
import type { DownloadProgress } from '../../../../../../kernel/engine/io/hub/downloadProgress';
import { useCpuBackend } from '../../../assets/defaultModels';
import { FakeHub } from './fakeHub';
import { GPT2_DIR, ID, gpt2Repo, withHfEnv } from './hubTestKit';

let hub: FakeHub;
before(async () => {
  await useCpuBackend();
  hub = await FakeHub.start([gpt2Repo()]);
});
after(() => hub.close());

test('load(id, { onProgress }) downloads through HF_ENDPOINT and computes the same logits as the folder', () =>
  withHfEnv({}, async () => {
    process.env.HF_ENDPOINT = hub.url;
    const events: DownloadProgress[] = [];
    const fromHub = await load(ID, { onProgress: (p) => events.push(p) });
    const fromFolder = await load(GPT2_DIR);
    try {
      assert.equal(fromHub.architecture, 'GPT2LMHeadModel');
      const ids = fromHub.tokenizer!.encode('Call me Ishmael. Some years ago');
      assert.deepEqual(ids, fromFolder.tokenizer!.encode('Call me Ishmael. Some years ago'));
      const [a, b] = tf.tidy(() => [fromHub.logits([ids]), fromFolder.logits([ids])].map((t) => t.dataSync()));
      assert.ok(a.length > 0 && a.length === b.length);
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      assert.equal(maxDiff, 0, 'same weights, same backend: identical logits');
      assert.equal(events.at(-1)!.filesDone, events.at(-1)!.files);
      // Offline afterwards: the cached snapshot loads with no request.
      const count = hub.requests.length;
      const again = await load(ID, { offline: true });
      again.dispose();
      assert.equal(hub.requests.length, count);
    } finally {
      fromHub.dispose();
      fromFolder.dispose();
    }
  }));
