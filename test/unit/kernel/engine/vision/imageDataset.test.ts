// Image datasets from a class-folder tree or a JSONL/CSV list; batches read only their own files; a corrupt or
// missing image fails with an error naming the file; bad rows and labels are reported by location.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ImageDataset } from '../../../../../kernel/engine/vision/imageDataset';
import { ImageDatasetError } from '../../../../../kernel/engine/vision/imageDatasetError';
import { imageFolder } from '../../../../../kernel/engine/vision/imageFolder';
import { PREPROCESSOR_32, tempDir, writeClassFolders, writePng } from './visionFixtures';
import { useTestBackend } from '../models/testBackend';

before(useTestBackend);

test('a class-folder tree gives sorted classes and files, labels by folder', async () => {
  const dir = tempDir();
  writeClassFolders(dir, { zebra: 2, ant: 1, '10': 1, '9': 1 });
  writeFileSync(join(dir, 'ant', 'notes.txt'), 'not an image');
  const examples = await imageFolder(dir);
  assert.deepEqual(
    examples.map((e) => e.label),
    ['9', '10', 'ant', 'zebra', 'zebra'],
  );
  const data = await ImageDataset.fromFolder(dir, { preprocessor: PREPROCESSOR_32 });
  assert.deepEqual(data.labelNames, ['9', '10', 'ant', 'zebra']);
  assert.deepEqual(data.labelIds, [0, 1, 2, 3, 3]);
  assert.deepEqual(data.id2label, { 0: '9', 1: '10', 2: 'ant', 3: 'zebra' });
});

test('JSONL and CSV lists resolve paths relative to the list file', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'img'));
  writePng(join(dir, 'img', 'a.png'), 4, 4, () => [255, 0, 0]);
  writePng(join(dir, 'img', 'b.png'), 4, 4, () => [0, 0, 255]);
  writeFileSync(join(dir, 'list.jsonl'), '{"path":"img/a.png","label":"red"}\n{"path":"img/b.png","label":"blue"}\n');
  writeFileSync(join(dir, 'list.csv'), 'image,label\nimg/a.png,red\nimg/b.png,blue\n');
  for (const file of ['list.jsonl', 'list.csv']) {
    const data = await ImageDataset.fromList(join(dir, file), { preprocessor: PREPROCESSOR_32 });
    assert.deepEqual(data.labelNames, ['blue', 'red']);
    assert.equal(data.examples[0].path, join(dir, 'img', 'a.png'));
    const batch = await data.batch([0, 1]);
    const px = batch.pixels.arraySync() as number[][][][];
    batch.pixels.dispose();
    assert.deepEqual(px[0][5][5], [1, -1, -1]);
    assert.deepEqual(px[1][5][5], [-1, -1, 1]);
    assert.deepEqual(batch.labels, [1, 0]);
  }
  writeFileSync(join(dir, 'bad.jsonl'), '{"path":"img/a.png","label":"red"}\n{"label":"blue"}\n');
  await assert.rejects(
    ImageDataset.fromList(join(dir, 'bad.jsonl')),
    (e: Error) => e instanceof ImageDatasetError && /bad\.jsonl: line 2 has no image path/.test(e.message),
  );
  await assert.rejects(
    ImageDataset.fromList(join(dir, 'list.csv'), { labels: ['red', 'green'] }),
    /label "blue" is not one of the labels red, green/,
  );
});

test('a corrupt image fails with an error naming the file, and only when its batch is read', async () => {
  const dir = tempDir();
  writeClassFolders(dir, { a: 2, b: 2 });
  const corrupt = join(dir, 'b', '1.png');
  writeFileSync(
    corrupt,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('garbage that is not a PNG'),
    ]),
  );
  const data = await ImageDataset.fromFolder(dir, { preprocessor: PREPROCESSOR_32 });
  const first = await data.batch([0, 1, 2]); // streams: the corrupt file (index 3) is not read yet
  first.pixels.dispose();
  await assert.rejects(data.batch([2, 3]), (e: Error) => {
    assert.ok(e instanceof ImageDatasetError);
    assert.equal(e.file, corrupt);
    assert.match(e.message, /1\.png: example 3 \(label b\) cannot be used: image .*1\.png: is not a readable PNG/);
    return true;
  });
  await assert.rejects(
    data.check(),
    (e: Error) => e instanceof ImageDatasetError && e.message.includes(corrupt) && /1 unreadable image/.test(e.message),
  );
  writeFileSync(join(dir, 'a', '0.png'), 'plain text');
  await assert.rejects(data.batch([0]), /0\.png: example 0 \(label a\) cannot be used: .*neither PNG nor JPEG/);
  assert.equal(tf.memory().numTensors, 0);
});

test('batches stream over the data: every example once per epoch, seeded shuffle', async () => {
  const dir = tempDir();
  writeClassFolders(dir, { a: 4, b: 3 });
  const data = await ImageDataset.fromFolder(dir, { preprocessor: PREPROCESSOR_32 });
  const order = async (epoch: number) => {
    const seen: number[] = [];
    for await (const b of data.batches(3, { shuffle: true, epoch })) {
      assert.ok(b.indices.length <= 3);
      seen.push(...b.indices);
      b.pixels.dispose();
    }
    return seen;
  };
  const e0 = await order(0);
  assert.deepEqual([...e0].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(await order(0), e0);
  assert.notDeepEqual(await order(1), e0);
  assert.equal(tf.memory().numTensors, 0);
});

test('missing folders and empty trees are reported', async () => {
  await assert.rejects(
    ImageDataset.fromFolder('/nonexistent/tunebook-images'),
    /\/nonexistent\/tunebook-images: cannot be read \(ENOENT\)/,
  );
  const dir = tempDir();
  await assert.rejects(ImageDataset.fromFolder(dir), /has no class sub-folders/);
  mkdirSync(join(dir, 'cat'));
  await assert.rejects(ImageDataset.fromFolder(dir), /hold no \.png\/\.jpg\/\.jpeg files/);
});
