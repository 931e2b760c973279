// Decodes PNG (pngjs) and JPEG (jpeg-js) into 8-bit RGB, dropping alpha the way PIL's convert('RGB') does.
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { ImageError } from './imageError';

export interface RgbImage {
  width: number;
  height: number;
  /** Row-major RGB bytes, length width * height * 3. */
  data: Uint8Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
/** jpeg-js refuses to allocate more than this while decoding: protects against hostile headers. */
const MAX_JPEG_MEMORY_MB = 1024;

export async function readImage(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ImageError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeImage(bytes, path);
}

export function decodeImage(bytes: Uint8Array, source = '<bytes>'): RgbImage {
  const startsWith = (magic: number[]) => magic.every((b, i) => bytes[i] === b);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(PNG_MAGIC)) return decodeWith(source, 'PNG', () => decodePng(buffer));
  if (startsWith(JPEG_MAGIC)) return decodeWith(source, 'JPEG', () => decodeJpeg(buffer));
  throw new ImageError(source, 'is neither PNG nor JPEG (unrecognised file signature)');
}

function decodeWith(source: string, format: string, decode: () => RgbImage): RgbImage {
  let image: RgbImage;
  try {
    image = decode();
  } catch (e) {
    throw new ImageError(source, `is not a readable ${format} (${(e as Error).message})`);
  }
  if (image.width <= 0 || image.height <= 0)
    throw new ImageError(source, `has no pixels (${image.width}x${image.height})`);
  return image;
}

function decodePng(buffer: Buffer): RgbImage {
  const png = PNG.sync.read(buffer) as ReturnType<typeof PNG.sync.read> & {
    transColor?: number[];
    depth: number;
    colorType: number;
  };
  const { width, height, data: rgba } = png;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  restoreTransparentColour(png, rgba, rgb);
  return { width, height, data: rgb };
}

/**
 * pngjs blanks pixels matching a tRNS colour key to transparent black; PIL keeps their colour (which is the key
 * itself), so we put it back.
 */
function restoreTransparentColour(
  png: { transColor?: number[]; depth: number; colorType: number },
  rgba: Uint8Array,
  rgb: Uint8Array,
): void {
  const key = png.transColor;
  if (key === undefined || png.colorType === 3) return;
  const scale = (v: number) => (png.depth === 8 ? v : Math.floor((v * 255) / (2 ** png.depth - 1) + 0.5));
  const colour = key.length === 1 ? [scale(key[0]), scale(key[0]), scale(key[0])] : key.map(scale);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    if (rgba[i + 3] === 0 && rgba[i] === 0 && rgba[i + 1] === 0 && rgba[i + 2] === 0) {
      rgb[j] = colour[0];
      rgb[j + 1] = colour[1];
      rgb[j + 2] = colour[2];
    }
  }
}

function decodeJpeg(buffer: Buffer): RgbImage {
  const decoded = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB });
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}
