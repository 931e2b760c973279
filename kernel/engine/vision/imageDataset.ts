/**
 * `ImageDataset`: labelled image files, decoded a batch at a time (nothing but the file list is held in memory).
 * A batch is decoded (PNG/JPEG → RGB), optionally augmented with a per-example generator seeded from
 * (seed, epoch, example index) — so the same seed gives the same pixels whatever the batch order — and
 * preprocessed per the model's `preprocessor_config.json` into NHWC float32 pixels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { compareLabelNames } from '../data/labelMap';
import { readImage } from '../io/image';
import { ImageError } from '../io/imageError';
import { preprocessImage, type PreprocessorConfig } from '../io/preprocess';
import { Rng } from '../train/rng';
import { augmentImage, checkAugmentOptions, type AugmentOptions } from './augment';
import { imageFolder, imageList, type ImageExample, type ImageListOptions } from './imageFolder';
import { ImageDatasetError } from './imageDatasetError';

export interface ImageDatasetOptions {
  /** How pixels are resized and normalised (a model's `preprocessorConfig`); default ViTImageProcessor's. */
  preprocessor?: PreprocessorConfig | object;
  /** Class names in id order; default the labels found, sorted (numbers by value). */
  labels?: readonly string[];
  /** Training augmentation, applied when a batch asks for it. */
  augment?: AugmentOptions;
  /** Seeds augmentation; default 0. */
  seed?: number;
}

export interface ImageBatch {
  /** [B, H, W, 3] float32; the caller disposes it. */
  pixels: tf.Tensor4D;
  /** Class ids [B]. */
  labels: number[];
  indices: number[];
}

export interface ImageBatchOptions {
  /** Apply the dataset's augmentation; default false. */
  augment?: boolean;
  /** Epoch number: a different augmentation draw per epoch. Default 0. */
  epoch?: number;
}

export class ImageDataset {
  readonly examples: readonly ImageExample[];
  readonly labelNames: readonly string[];
  readonly labelIds: readonly number[];
  readonly preprocessor: PreprocessorConfig;
  readonly augmentation: AugmentOptions;
  readonly seed: number;

  constructor(examples: readonly ImageExample[], options: ImageDatasetOptions = {}, source = 'image dataset') {
    if (examples.length === 0) throw new ImageDatasetError(source, 'has no images');
    const names = options.labels
      ? [...options.labels]
      : [...new Set(examples.map((e) => e.label))].sort(compareLabelNames);
    if (new Set(names).size !== names.length)
      throw new ImageDatasetError(source, `labels must be unique, got ${JSON.stringify(names)}`);
    const ids = new Map(names.map((n, i) => [n, i]));
    this.labelIds = examples.map((e) => {
      const id = ids.get(e.label);
      if (id === undefined)
        throw new ImageDatasetError(
          e.path,
          `label ${JSON.stringify(e.label)} is not one of the labels ${names.join(', ')}`,
        );
      return id;
    });
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer >= 0, got ${seed}`);
    checkAugmentOptions(options.augment ?? {});
    this.examples = examples.map((e) => ({ ...e }));
    this.labelNames = names;
    this.preprocessor = { ...(options.preprocessor ?? {}) } as PreprocessorConfig;
    this.augmentation = { ...(options.augment ?? {}) };
    this.seed = seed;
  }

  /** One sub-folder per class. */
  static async fromFolder(dir: string, options: ImageDatasetOptions = {}): Promise<ImageDataset> {
    return new ImageDataset(await imageFolder(dir), options, dir);
  }

  /** A JSONL / CSV / TSV / JSON list of image paths and labels. */
  static async fromList(file: string, options: ImageDatasetOptions & ImageListOptions = {}): Promise<ImageDataset> {
    return new ImageDataset(await imageList(file, options), options, file);
  }

  get length(): number {
    return this.examples.length;
  }

  /** `id2label` for a classification head of this dataset's classes. */
  get id2label(): Record<string, string> {
    return Object.fromEntries(this.labelNames.map((name, id) => [String(id), name]));
  }

  /** Decoded, (augmented,) preprocessed pixels of one example: row-major [H, W, 3]. */
  async pixelsOf(index: number, options: ImageBatchOptions = {}): Promise<{ data: Float32Array; shape: number[] }> {
    const example = this.examples[index];
    if (example === undefined) throw new RangeError(`example ${index} is outside 0..${this.length - 1}`);
    try {
      let image = await readImage(example.path);
      if (options.augment) image = augmentImage(image, this.augmentRng(index, options.epoch ?? 0), this.augmentation);
      return preprocessImage(image, this.preprocessor, example.path);
    } catch (e) {
      if (e instanceof ImageError)
        throw new ImageDatasetError(
          example.path,
          `example ${index} (label ${example.label}) cannot be used: ${e.message}`,
        );
      throw e;
    }
  }

  /** Loads the given examples into one batch (only these files are read). */
  async batch(indices: readonly number[], options: ImageBatchOptions = {}): Promise<ImageBatch> {
    if (indices.length === 0) throw new RangeError('a batch needs at least one example');
    const images = await Promise.all(indices.map((i) => this.pixelsOf(i, options)));
    const [height, width] = images[0].shape;
    images.forEach((image, k) => {
      if (image.shape[0] !== height || image.shape[1] !== width) {
        throw new ImageDatasetError(
          this.examples[indices[k]].path,
          `preprocesses to ${image.shape[0]}x${image.shape[1]}, other images to ${height}x${width}; give the preprocessor a fixed size`,
        );
      }
    });
    const data = new Float32Array(images.length * height * width * 3);
    images.forEach((image, k) => data.set(image.data, k * image.data.length));
    return {
      pixels: tf.tensor4d(data, [images.length, height, width, 3]),
      labels: indices.map((i) => this.labelIds[i]),
      indices: [...indices],
    };
  }

  /** Batches over the whole dataset, in order or shuffled for (seed, epoch); each is read when it is reached. */
  async *batches(
    batchSize: number,
    options: ImageBatchOptions & { shuffle?: boolean } = {},
  ): AsyncGenerator<ImageBatch> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    const order = options.shuffle
      ? Rng.fromSeed(this.mix(options.epoch ?? 0, 0x5bd1e995)).permutation(this.length)
      : [...this.examples.keys()];
    for (let start = 0; start < order.length; start += batchSize)
      yield this.batch(order.slice(start, start + batchSize), options);
  }

  /** Every image decoded once; throws one error naming every file that cannot be read. */
  async check(): Promise<void> {
    const failures: Array<{ path: string; message: string }> = [];
    for (const [i, example] of this.examples.entries()) {
      try {
        await readImage(example.path);
      } catch (e) {
        if (!(e instanceof ImageError)) throw e;
        failures.push({ path: example.path, message: `example ${i}: ${e.message}` });
      }
    }
    if (failures.length > 0) {
      const where = failures.length === 1 ? failures[0].path : 'image dataset';
      throw new ImageDatasetError(
        where,
        `${failures.length} unreadable image(s):\n${failures.map((f) => f.message).join('\n')}`,
      );
    }
  }

  /** Split into [first, rest] after a seeded shuffle; `fraction` of the examples go first. */
  split(fraction: number, seed = this.seed): [ImageDataset, ImageDataset] {
    if (!(fraction > 0 && fraction < 1)) throw new RangeError(`split fraction must be in (0, 1), got ${fraction}`);
    const order = Rng.fromSeed(seed).permutation(this.length);
    const cut = Math.round(this.length * fraction);
    const options = {
      preprocessor: this.preprocessor,
      labels: this.labelNames,
      augment: this.augmentation,
      seed: this.seed,
    };
    return [
      new ImageDataset(
        order.slice(0, cut).map((i) => this.examples[i]),
        options,
      ),
      new ImageDataset(
        order.slice(cut).map((i) => this.examples[i]),
        options,
      ),
    ];
  }

  private augmentRng(index: number, epoch: number): Rng {
    return Rng.fromSeed(this.mix(epoch, index));
  }

  private mix(epoch: number, index: number): number {
    let h = Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ epoch ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ index ^ (h >>> 16), 0x27d4eb2f);
    return (h ^ (h >>> 15)) >>> 0;
  }
}
