/** An in-memory list of examples with seeded shuffling, splitting and batching. */
import { Rng } from '../train/rng';
import { trainEvalSplit, type SplitOptions } from './split';

export interface BatchOptions {
  /** Shuffle before batching with this seed or generator (a generator advances, so each epoch differs). */
  shuffle?: number | Rng;
  /** Drop a last batch smaller than batchSize; default false. */
  dropLast?: boolean;
}

export class Dataset<T> implements Iterable<T> {
  readonly examples: readonly T[];

  constructor(examples: readonly T[]) {
    this.examples = examples;
  }

  get length(): number {
    return this.examples.length;
  }

  at(index: number): T {
    const item = this.examples[index];
    if (index < 0 || index >= this.examples.length || !Number.isInteger(index)) {
      throw new RangeError(`dataset index ${index} is outside 0..${this.examples.length - 1}`);
    }
    return item;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.examples[Symbol.iterator]();
  }

  map<U>(fn: (example: T, index: number) => U): Dataset<U> {
    return new Dataset(this.examples.map(fn));
  }

  filter(keep: (example: T, index: number) => boolean): Dataset<T> {
    return new Dataset(this.examples.filter(keep));
  }

  shuffle(seed: number | Rng): Dataset<T> {
    return new Dataset(toRng(seed).shuffle([...this.examples]));
  }

  split(options: SplitOptions<T>): { train: Dataset<T>; eval: Dataset<T> } {
    const { train, eval: evaluation } = trainEvalSplit(this.examples, options);
    return { train: new Dataset(train), eval: new Dataset(evaluation) };
  }

  numBatches(batchSize: number, dropLast = false): number {
    checkBatchSize(batchSize);
    return dropLast ? Math.floor(this.length / batchSize) : Math.ceil(this.length / batchSize);
  }

  /** Lists of examples, `batchSize` at a time (pass each to a collate function). */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<T[]> {
    const count = this.numBatches(batchSize, options.dropLast);
    const order = options.shuffle === undefined ? undefined : toRng(options.shuffle).permutation(this.length);
    for (let b = 0; b < count; b++) {
      const end = Math.min(this.length, (b + 1) * batchSize);
      const batch: T[] = [];
      for (let i = b * batchSize; i < end; i++) batch.push(this.examples[order ? order[i] : i]);
      yield batch;
    }
  }
}

function toRng(seed: number | Rng): Rng {
  return typeof seed === 'number' ? Rng.fromSeed(seed) : seed;
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
}
