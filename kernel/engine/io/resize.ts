// PIL's Image.resize on 8-bit RGB, reproduced step for step so that results match Pillow exactly: separable
// convolution (horizontal pass, then vertical) with the filter widened by the scale when shrinking (antialias),
// 22-bit fixed-point weights and rounding to 8 bits after each pass. NEAREST samples like PIL's affine path.
import type { RgbImage } from './image';

/** PIL's resample codes, as stored in preprocessor_config.json's "resample". */
export const enum Resample {
  Nearest = 0,
  Lanczos = 1,
  Bilinear = 2,
  Bicubic = 3,
  Box = 4,
  Hamming = 5,
}

interface Filter {
  support: number;
  weight: (x: number) => number;
}

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

const FILTERS: Record<number, Filter> = {
  [Resample.Box]: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  [Resample.Bilinear]: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  [Resample.Hamming]: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const t = a * Math.PI;
      return (Math.sin(t) / t) * (0.54 + 0.46 * Math.cos(t));
    },
  },
  [Resample.Bicubic]: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  [Resample.Lanczos]: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

export function isSupportedResample(code: number): boolean {
  return code === Resample.Nearest || FILTERS[code] !== undefined;
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

interface Coefficients {
  /** For output index i: first input index, count of inputs, and the fixed-point weights at [i * span, i * span + count). */
  first: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  span: number;
}

function coefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const span = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * span);
  const raw = new Float64Array(span);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const inverse = 1 / filterScale;
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - start;
    let total = 0;
    for (let k = 0; k < n; k++) {
      raw[k] = filter.weight((k + start - center + 0.5) * inverse);
      total += raw[k];
    }
    for (let k = 0; k < n; k++) {
      const w = total !== 0 ? raw[k] / total : raw[k];
      weights[i * span + k] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[i] = start;
    count[i] = n;
  }
  return { first, count, weights, span };
}

function clip8(sum: number): number {
  const v = Math.floor(sum / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function resizeHorizontal(src: RgbImage, width: number, c: Coefficients): RgbImage {
  const out = new Uint8Array(width * src.height * 3);
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width * 3;
    for (let x = 0; x < width; x++) {
      let r = ONE / 2;
      let g = ONE / 2;
      let b = ONE / 2;
      const base = x * c.span;
      for (let k = 0; k < c.count[x]; k++) {
        const w = c.weights[base + k];
        const p = row + (c.first[x] + k) * 3;
        r += src.data[p] * w;
        g += src.data[p + 1] * w;
        b += src.data[p + 2] * w;
      }
      const o = (y * width + x) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return { width, height: src.height, data: out };
}

function resizeVertical(src: RgbImage, height: number, c: Coefficients): RgbImage {
  const stride = src.width * 3;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const base = y * c.span;
    for (let x = 0; x < stride; x++) {
      let sum = ONE / 2;
      for (let k = 0; k < c.count[y]; k++) sum += src.data[(c.first[y] + k) * stride + x] * c.weights[base + k];
      out[y * stride + x] = clip8(sum);
    }
  }
  return { width: src.width, height, data: out };
}

/** PIL's affine NEAREST: the sample position is accumulated step by step, exactly as Pillow does. */
function resizeNearest(src: RgbImage, width: number, height: number): RgbImage {
  const column = (size: number, inSize: number) => {
    const step = inSize / size;
    const index = new Int32Array(size);
    let position = step * 0.5;
    for (let i = 0; i < size; i++) {
      index[i] = Math.min(Math.trunc(position), inSize - 1);
      position += step;
    }
    return index;
  };
  const xs = column(width, src.width);
  const ys = column(height, src.height);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (ys[y] * src.width + xs[x]) * 3;
      const o = (y * width + x) * 3;
      out[o] = src.data[s];
      out[o + 1] = src.data[s + 1];
      out[o + 2] = src.data[s + 2];
    }
  }
  return { width, height, data: out };
}

export function resizeRgb(
  src: RgbImage,
  width: number,
  height: number,
  resample: number = Resample.Bilinear,
): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`resize target ${width}x${height} must be positive integers`);
  }
  if (width === src.width && height === src.height) return { width, height, data: src.data.slice() };
  if (resample === Resample.Nearest) return resizeNearest(src, width, height);
  const filter = FILTERS[resample];
  if (filter === undefined) throw new RangeError(`resample ${resample} is not one of PIL's filters 0-5`);
  let image = src;
  if (width !== src.width) image = resizeHorizontal(image, width, coefficients(src.width, width, filter));
  if (height !== src.height) image = resizeVertical(image, height, coefficients(src.height, height, filter));
  return image;
}
