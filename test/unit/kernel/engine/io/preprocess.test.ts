import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadImage,
  loadImages,
  preprocessImage,
  type PreprocessorConfig,
} from '../../../../../kernel/engine/io/preprocess';
import { decodeImage, readImage } from '../../../../../kernel/engine/io/image';
import { ImageError } from '../../../../../kernel/engine/io/imageError';

// Golden: scripts/make_io_fixtures.py runs PIL (convert RGB, Image.resize) + numpy rescale/normalise in float32,
// as transformers' image processors do.
const DIR = join(__dirname, '../../../../fixtures/io/images');
interface GoldenCase {
  file: string;
  label: string;
  config: PreprocessorConfig;
  shape: number[];
  f32_le_base64: string;
}
const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as GoldenCase[];

function expectedValues(c: GoldenCase): Float32Array {
  const bytes = Buffer.from(c.f32_le_base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

// PNG decoding and PIL's resampling are reproduced exactly (bilinear/bicubic/nearest, up, down, same size), so
// every PNG case must agree to float32 rounding noise.
const EXACT = 1e-5;
test('PNG cases match PIL + numpy within 1e-5 (decode, alpha, palette, tRNS, resize up/down, bicubic, nearest)', async () => {
  const pngCases = golden.filter((c) => c.file.endsWith('.png'));
  assert.ok(pngCases.length >= 10);
  for (const c of pngCases) {
    const out = await loadImage(join(DIR, c.file), c.config);
    assert.deepEqual(out.shape, c.shape, c.label);
    const diff = maxAbsDiff(out.data, expectedValues(c));
    assert.ok(diff <= EXACT, `${c.label}: max |diff| ${diff}`);
  }
});

// jpeg-js and libjpeg (PIL) use different IDCTs; with 4:2:0 chroma, libjpeg also interpolates chroma ("fancy
// upsampling") where jpeg-js replicates it. Measured on this deliberately noisy image: 4:4:4 max 3 levels
// (mean 0.53), 4:2:0 max 24 levels (mean 4.6). Tolerances are in 8-bit levels, converted through std 0.5.
test('JPEG cases stay within the stated tolerance of PIL (decoders differ)', async () => {
  const level = 1 / 255 / 0.5;
  for (const [label, maxLevels, meanLevels] of [
    ['jpeg 4:4:4', 4, 1],
    ['jpeg 4:2:0', 32, 6],
  ] as const) {
    const c = golden.find((g) => g.label === label)!;
    const out = await loadImage(join(DIR, c.file), c.config);
    const want = expectedValues(c);
    let sum = 0;
    for (let i = 0; i < want.length; i++) sum += Math.abs(out.data[i] - want[i]);
    assert.ok(maxAbsDiff(out.data, want) <= maxLevels * level + EXACT, `${label} max`);
    assert.ok(sum / want.length <= meanLevels * level, `${label} mean ${sum / want.length / level} levels`);
  }
});

test('a batch stacks images NHWC and refuses mixed sizes', async () => {
  const config: PreprocessorConfig = { size: { height: 8, width: 8 } };
  const files = ['rgb.png', 'gray.png'].map((f) => join(DIR, f));
  const batch = await loadImages(files, config);
  assert.deepEqual(batch.shape, [2, 8, 8, 3]);
  const second = await loadImage(files[1], config);
  assert.deepEqual(batch.data.subarray(8 * 8 * 3), second.data);
  await assert.rejects(
    loadImages(files, { do_resize: false }),
    (e: unknown) => e instanceof ImageError && /gray\.png.*16x16 but the first image gives 29x37/.test(e.message),
  );
});

test('shortest_edge resize then centre crop equals cropping the explicit resize', async () => {
  const image = await readImage(join(DIR, 'rgb.png')); // 37 wide, 29 high
  const cropped = preprocessImage(image, {
    size: { shortest_edge: 20 },
    do_center_crop: true,
    crop_size: { height: 16, width: 16 },
  });
  const full = preprocessImage(image, { size: { height: 20, width: 25 } }); // 25 = trunc(20 * 37 / 29)
  assert.deepEqual(cropped.shape, [16, 16, 3]);
  const top = 2;
  const left = 4;
  for (let y = 0; y < 16; y++) {
    const from = ((top + y) * 25 + left) * 3;
    assert.deepEqual(cropped.data.subarray(y * 48, y * 48 + 48), full.data.subarray(from, from + 48));
  }
});

test('unreadable files and unusable configs give an ImageError naming the file', async () => {
  const missing = join(DIR, 'no-such-image.png');
  await assert.rejects(
    loadImage(missing),
    (e: unknown) => e instanceof ImageError && e.file === missing && /cannot be read \(ENOENT\)/.test(e.message),
  );
  assert.throws(
    () => decodeImage(new TextEncoder().encode('hello'), 'notes.txt'),
    /image notes\.txt: is neither PNG nor JPEG/,
  );
  const png = readFileSync(join(DIR, 'rgb.png'));
  assert.throws(
    () => decodeImage(png.subarray(0, png.length - 40), 'cut.png'),
    (e: unknown) => e instanceof ImageError && /cut\.png: is not a readable PNG/.test(e.message),
  );
  const jpg = readFileSync(join(DIR, 'photo444.jpg'));
  const corrupt = Buffer.from(jpg);
  corrupt.fill(0, 20, 400);
  assert.throws(
    () => decodeImage(corrupt, 'bad.jpg'),
    (e: unknown) => e instanceof ImageError && /bad\.jpg: is not a readable JPEG/.test(e.message),
  );
  const image = decodeImage(png, 'rgb.png');
  assert.throws(() => preprocessImage(image, { resample: 7 }, 'rgb.png'), /resample 7 is not one of PIL's filters/);
  assert.throws(() => preprocessImage(image, { image_std: [0.5, 0, 0.5] }, 'rgb.png'), /image_std contains 0/);
  assert.throws(
    () => preprocessImage(image, { image_mean: [1, 2] }, 'rgb.png'),
    /image_mean must be a number or 3 numbers/,
  );
  assert.throws(() => preprocessImage(image, { size: {} }, 'rgb.png'), /neither height\+width nor shortest_edge/);
  assert.throws(
    () => preprocessImage(image, { do_resize: false, do_center_crop: true, crop_size: 64 }, 'rgb.png'),
    /crop 64x64 is larger/,
  );
});
