// Applies a Hugging Face preprocessor_config.json (ViT-style image processor) to images: convert to RGB, resize,
// centre-crop, rescale, normalise, in transformers' order and float32 precision. Output is NHWC float32.
import { ImageError } from './imageError';
import { decodeImage, readImage, type RgbImage } from './image';
import { isSupportedResample, Resample, resizeRgb } from './resize';

export interface PreprocessorConfig {
  do_resize?: boolean;
  /** {height, width}; {shortest_edge}; or one number for a square. */
  size?: number | { height?: number; width?: number; shortest_edge?: number };
  /** PIL's code: 0 nearest, 1 lanczos, 2 bilinear (default), 3 bicubic, 4 box, 5 hamming. */
  resample?: number;
  do_center_crop?: boolean;
  crop_size?: number | { height: number; width: number };
  do_rescale?: boolean;
  rescale_factor?: number;
  do_normalize?: boolean;
  image_mean?: number | number[];
  image_std?: number | number[];
  [key: string]: unknown;
}

export interface ImageTensor {
  /** Row-major [height, width, 3] (or [n, height, width, 3] for a batch) float32 values. */
  data: Float32Array;
  shape: number[];
}

/** transformers' ViTImageProcessor defaults, used for any key the config leaves out. */
const DEFAULTS = {
  size: { height: 224, width: 224 },
  resample: Resample.Bilinear,
  rescale_factor: 1 / 255,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
};

export async function loadImage(source: string | Uint8Array, config: PreprocessorConfig = {}): Promise<ImageTensor> {
  const label = typeof source === 'string' ? source : '<bytes>';
  const image = typeof source === 'string' ? await readImage(source) : decodeImage(source);
  return preprocessImage(image, config, label);
}

/** Loads several images into one [n, height, width, 3] batch; the config must give them all one size. */
export async function loadImages(
  sources: Array<string | Uint8Array>,
  config: PreprocessorConfig = {},
): Promise<ImageTensor> {
  const images = await Promise.all(sources.map((s) => loadImage(s, config)));
  if (images.length === 0) return { data: new Float32Array(0), shape: [0, 0, 0, 3] };
  const [height, width] = images[0].shape;
  images.forEach((image, i) => {
    if (image.shape[0] !== height || image.shape[1] !== width) {
      const label = typeof sources[i] === 'string' ? (sources[i] as string) : `<bytes #${i}>`;
      throw new ImageError(
        label,
        `preprocesses to ${image.shape[0]}x${image.shape[1]} but the first image gives ${height}x${width}; set size in preprocessor_config.json to batch them`,
      );
    }
  });
  const data = new Float32Array(images.length * height * width * 3);
  images.forEach((image, i) => data.set(image.data, i * image.data.length));
  return { data, shape: [images.length, height, width, 3] };
}

export function preprocessImage(image: RgbImage, config: PreprocessorConfig = {}, label = '<image>'): ImageTensor {
  let current = image;
  if (config.do_resize ?? true) {
    const resample = config.resample ?? DEFAULTS.resample;
    if (!isSupportedResample(resample))
      throw new ImageError(label, `preprocessor_config.json resample ${resample} is not one of PIL's filters 0-5`);
    const [height, width] = targetSize(current, config.size ?? DEFAULTS.size, label);
    current = resizeRgb(current, width, height, resample);
  }
  if (config.do_center_crop ?? false)
    current = centerCrop(current, config.crop_size ?? config.size ?? DEFAULTS.size, label);
  const doRescale = config.do_rescale ?? true;
  const factor = config.rescale_factor ?? DEFAULTS.rescale_factor;
  const doNormalize = config.do_normalize ?? true;
  const mean = perChannel(config.image_mean ?? DEFAULTS.image_mean, 'image_mean', label);
  const std = perChannel(config.image_std ?? DEFAULTS.image_std, 'image_std', label);
  if (doNormalize && std.some((s) => s === 0))
    throw new ImageError(label, 'preprocessor_config.json image_std contains 0');
  const out = new Float32Array(current.data.length);
  for (let i = 0; i < out.length; i++) {
    // transformers: uint8 * factor in float64, cast to float32; then (x - mean) / std in float32.
    let value = doRescale ? Math.fround(current.data[i] * factor) : current.data[i];
    if (doNormalize) value = Math.fround(Math.fround(value - mean[i % 3]) / std[i % 3]);
    out[i] = value;
  }
  return { data: out, shape: [current.height, current.width, 3] };
}

function targetSize(image: RgbImage, size: NonNullable<PreprocessorConfig['size']>, label: string): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.height !== undefined && size.width !== undefined) return [size.height, size.width];
  if (size.shortest_edge !== undefined) {
    // transformers' get_resize_output_image_size: the short side becomes shortest_edge, the long side is truncated.
    const short = Math.min(image.width, image.height);
    const long = Math.max(image.width, image.height);
    const other = Math.trunc((size.shortest_edge * long) / short);
    return image.width <= image.height ? [other, size.shortest_edge] : [size.shortest_edge, other];
  }
  throw new ImageError(
    label,
    `preprocessor_config.json size ${JSON.stringify(size)} has neither height+width nor shortest_edge`,
  );
}

function centerCrop(
  image: RgbImage,
  crop: NonNullable<PreprocessorConfig['crop_size']> | NonNullable<PreprocessorConfig['size']>,
  label: string,
): RgbImage {
  const height = typeof crop === 'number' ? crop : crop.height;
  const width = typeof crop === 'number' ? crop : crop.width;
  if (height === undefined || width === undefined)
    throw new ImageError(label, `preprocessor_config.json crop_size ${JSON.stringify(crop)} needs height and width`);
  if (height > image.height || width > image.width) {
    throw new ImageError(
      label,
      `crop ${height}x${width} is larger than the resized image ${image.height}x${image.width}`,
    );
  }
  const top = Math.floor((image.height - height) / 2);
  const left = Math.floor((image.width - width) / 2);
  const out = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}

function perChannel(value: number | number[], key: string, label: string): number[] {
  const values = typeof value === 'number' ? [value, value, value] : value;
  if (
    !Array.isArray(values) ||
    values.length !== 3 ||
    !values.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new ImageError(
      label,
      `preprocessor_config.json ${key} must be a number or 3 numbers, got ${JSON.stringify(value)}`,
    );
  }
  return values.map((v) => Math.fround(v));
}
