// Augmentation: deterministic for a seed (and per epoch), different across seeds, crop boxes inside the image and
// within the requested area range, flips exact.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  augmentImage,
  cropRgb,
  flipHorizontal,
  randomResizedCropBox,
} from '../../../../../kernel/engine/vision/augment';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { Rng } from '../../../../../kernel/engine/train/rng';
import type { RgbImage } from '../../../../../kernel/engine/io/image';
import { PREPROCESSOR_32, tempDir, writeClassFolders } from './visionFixtures';
import { useTestBackend } from '../models/testBackend';

before(useTestBackend);

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return { width, height, data };
}

test('the same seed gives the same augmented images; another seed or epoch does not', async () => {
  const dir = tempDir();
  writeClassFolders(dir, { a: 3, b: 3 });
  const options = {
    preprocessor: PREPROCESSOR_32,
    augment: { randomResizedCrop: { scale: [0.3, 1] as [number, number] }, horizontalFlip: true },
  };
  const pixels = async (seed: number, epoch: number) => {
    const data = await ImageDataset.fromFolder(dir, { ...options, seed });
    const batch = await data.batch([0, 1, 2, 3, 4, 5], { augment: true, epoch });
    const values = Array.from(batch.pixels.dataSync());
    batch.pixels.dispose();
    return values;
  };
  const first = await pixels(7, 0);
  assert.deepEqual(await pixels(7, 0), first);
  assert.notDeepEqual(await pixels(8, 0), first);
  assert.notDeepEqual(await pixels(7, 1), first);
  // order-independent: one example alone gets the same pixels as inside a batch
  const data = await ImageDataset.fromFolder(dir, { ...options, seed: 7 });
  const alone = await data.pixelsOf(4, { augment: true, epoch: 0 });
  assert.deepEqual(Array.from(alone.data), first.slice(4 * 32 * 32 * 3, 5 * 32 * 32 * 3));
  // without augment the pixels are the plain preprocessing
  const plain = await data.pixelsOf(4);
  assert.notDeepEqual(Array.from(plain.data), Array.from(alone.data));
});

test('random resized crop boxes lie inside the image with the requested area', () => {
  const rng = Rng.fromSeed(3);
  for (let i = 0; i < 500; i++) {
    const box = randomResizedCropBox(40, 30, rng, [0.25, 0.5], [0.75, 4 / 3]);
    assert.ok(
      box.left >= 0 && box.top >= 0 && box.left + box.width <= 40 && box.top + box.height <= 30,
      JSON.stringify(box),
    );
    const fraction = (box.width * box.height) / 1200;
    assert.ok(fraction > 0.2 && fraction < 0.56, `area fraction ${fraction}`);
  }
  const a = randomResizedCropBox(40, 30, Rng.fromSeed(9));
  assert.deepEqual(randomResizedCropBox(40, 30, Rng.fromSeed(9)), a);
});

test('flip mirrors columns and twice is the identity; crop copies the box', () => {
  const image = gradient(5, 3);
  const flipped = flipHorizontal(image);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 5; x++) {
      for (let c = 0; c < 3; c++) assert.equal(flipped.data[(y * 5 + x) * 3 + c], image.data[(y * 5 + 4 - x) * 3 + c]);
    }
  }
  assert.deepEqual(flipHorizontal(flipped), image);
  const crop = cropRgb(image, { left: 1, top: 1, width: 3, height: 2 });
  assert.deepEqual(Array.from(crop.data.subarray(0, 3)), Array.from(image.data.subarray(18, 21)));
  assert.throws(() => cropRgb(image, { left: 3, top: 0, width: 3, height: 1 }), /outside the 5x3 image/);
});

test('flip probability 1 always flips, 0 never', () => {
  const image = gradient(4, 2);
  assert.deepEqual(augmentImage(image, Rng.fromSeed(1), { horizontalFlip: 1 }), flipHorizontal(image));
  assert.deepEqual(augmentImage(image, Rng.fromSeed(1), { horizontalFlip: 0 }), image);
  assert.throws(
    () => new ImageDataset([{ path: join('x.png'), label: 'a' }], { augment: { horizontalFlip: 2 } }),
    /probability must be in \[0, 1\]/,
  );
});
