/**
 * Seeded training augmentation on decoded RGB images (before resizing to the model's input):
 *   random resized crop  torchvision's RandomResizedCrop box: area fraction in `scale`, aspect ratio log-uniform in
 *                        `ratio`, 10 tries, else the largest centred crop within the ratio range
 *   horizontal flip      with probability `flipProbability`
 * The same seed gives the same images: every draw comes from the `Rng` passed in.
 */
import type { RgbImage } from '../io/image';
import type { Rng } from '../train/rng';

export interface AugmentOptions {
  /** Random resized crop: true for torchvision's defaults (scale [0.08, 1], ratio [3/4, 4/3]) or the ranges. Default off. */
  randomResizedCrop?: boolean | { scale?: [number, number]; ratio?: [number, number] };
  /** Horizontal flip: true for probability 0.5, or the probability. Default off. */
  horizontalFlip?: boolean | number;
}

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

const DEFAULT_SCALE: [number, number] = [0.08, 1];
const DEFAULT_RATIO: [number, number] = [3 / 4, 4 / 3];

export function checkAugmentOptions(options: AugmentOptions): void {
  const crop = options.randomResizedCrop;
  if (crop !== undefined && typeof crop !== 'boolean') {
    const [s0, s1] = crop.scale ?? DEFAULT_SCALE;
    if (!(s0 > 0 && s0 <= s1 && s1 <= 1))
      throw new RangeError(
        `randomResizedCrop.scale must be [min, max] with 0 < min <= max <= 1, got ${JSON.stringify(crop.scale)}`,
      );
    const [r0, r1] = crop.ratio ?? DEFAULT_RATIO;
    if (!(r0 > 0 && r0 <= r1 && Number.isFinite(r1)))
      throw new RangeError(
        `randomResizedCrop.ratio must be [min, max] with 0 < min <= max, got ${JSON.stringify(crop.ratio)}`,
      );
  }
  const flip = options.horizontalFlip;
  if (typeof flip === 'number' && !(flip >= 0 && flip <= 1))
    throw new RangeError(`horizontalFlip probability must be in [0, 1], got ${flip}`);
}

export function augmentImage(image: RgbImage, rng: Rng, options: AugmentOptions): RgbImage {
  let out = image;
  const crop = options.randomResizedCrop;
  if (crop) {
    const ranges = crop === true ? {} : crop;
    out = cropRgb(
      out,
      randomResizedCropBox(out.width, out.height, rng, ranges.scale ?? DEFAULT_SCALE, ranges.ratio ?? DEFAULT_RATIO),
    );
  }
  const flip = options.horizontalFlip === true ? 0.5 : options.horizontalFlip || 0;
  if (flip > 0 && rng.nextFloat() < flip) out = flipHorizontal(out);
  return out;
}

export function randomResizedCropBox(
  width: number,
  height: number,
  rng: Rng,
  scale: [number, number] = DEFAULT_SCALE,
  ratio: [number, number] = DEFAULT_RATIO,
): CropBox {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * (scale[0] + (scale[1] - scale[0]) * rng.nextFloat());
    const aspect = Math.exp(logRatio[0] + (logRatio[1] - logRatio[0]) * rng.nextFloat());
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { left: rng.nextInt(width - w + 1), top: rng.nextInt(height - h + 1), width: w, height: h };
    }
  }
  // fallback: centre crop at the nearest allowed aspect ratio
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

export function cropRgb(image: RgbImage, box: CropBox): RgbImage {
  const { left, top, width, height } = box;
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > image.width || top + height > image.height) {
    throw new RangeError(`crop box ${JSON.stringify(box)} is outside the ${image.width}x${image.height} image`);
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}

export function flipHorizontal(image: RgbImage): RgbImage {
  const { width, height } = image;
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = (y * width + (width - 1 - x)) * 3;
      out[to] = image.data[from];
      out[to + 1] = image.data[from + 1];
      out[to + 2] = image.data[from + 2];
    }
  }
  return { width, height, data: out };
}
