// The dataset's pixels equal an independent reference: PIL's convert('RGB') + bilinear resize to 32x32, rescale
// and normalise in numpy (scripts/pretrain_default_vit.py wrote fixtures/preprocess_golden.json). Odd sizes, grey
// and RGBA PNGs. Tolerance 1e-5 (both sides are float32; values lie in [-1, 1]).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { FIXTURES, PREPROCESSOR_32 } from './visionFixtures';
import { useTestBackend } from '../models/testBackend';

before(useTestBackend);

const golden = JSON.parse(readFileSync(join(FIXTURES, 'preprocess_golden.json'), 'utf8')) as {
  images: Array<{ file: string; shape: number[]; pixels: number[] }>;
};

test('preprocessed pixels match the PIL/numpy reference within 1e-5', async () => {
  assert.equal(golden.images.length, 3);
  const data = new ImageDataset(
    golden.images.map((g) => ({ path: join(FIXTURES, g.file), label: 'any' })),
    { preprocessor: PREPROCESSOR_32 },
  );
  const batch = await data.batch([0, 1, 2]);
  assert.deepEqual(batch.pixels.shape, [3, 32, 32, 3]);
  const values = batch.pixels.dataSync();
  batch.pixels.dispose();
  golden.images.forEach((g, i) => {
    assert.deepEqual(g.shape, [32, 32, 3]);
    let worst = 0;
    for (let j = 0; j < g.pixels.length; j++)
      worst = Math.max(worst, Math.abs(values[i * g.pixels.length + j] - g.pixels[j]));
    assert.ok(worst <= 1e-5, `${g.file}: max |diff| ${worst}`);
  });
  assert.equal(tf.memory().numTensors, 0);
});
