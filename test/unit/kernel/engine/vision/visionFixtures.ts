// Shared test helpers: the committed fixtures, tiny-vit's preprocessor, and temp folders of PNGs written with pngjs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const FIXTURES = join(__dirname, 'fixtures');
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..', '..');
export const DIGITS = join(REPO_ROOT, 'examples', 'data', 'vit-digits');
export const PREPROCESSOR_32 = {
  size: { height: 32, width: 32 },
  resample: 2,
  rescale_factor: 1 / 255,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
};

export function tempDir(prefix = 'tunebook-vision-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A width×height PNG whose pixel (x, y) is colour(x, y). */
export function writePng(
  path: string,
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number],
): void {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const i = (y * width + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

/** dir/<class>/<n>.png for each class, each image a distinct gradient. */
export function writeClassFolders(dir: string, classes: Record<string, number>): void {
  let k = 0;
  for (const [label, count] of Object.entries(classes)) {
    mkdirSync(join(dir, label), { recursive: true });
    for (let n = 0; n < count; n++, k++) {
      const seed = k;
      writePng(join(dir, label, `${n}.png`), 12, 10, (x, y) => [
        (x * 20 + seed * 7) % 256,
        (y * 25 + seed * 13) % 256,
        (x * y + seed) % 256,
      ]);
    }
  }
}
