/**
 * Pads id sequences to one length with attention masks (1 = real token, 0 = padding).
 * Right padding for training; left padding for generation so every prompt ends at the last column.
 */
export type PaddingSide = 'left' | 'right';

export interface PadOptions {
  /** Default 'right'. */
  side?: PaddingSide;
  /** Pad to exactly this length (every sequence must fit); default: the longest sequence. */
  length?: number;
  /** Round the padded length up to a multiple of this (e.g. 8). */
  multipleOf?: number;
}

export function paddedLength(sequences: readonly (readonly number[])[], options: PadOptions = {}): number {
  const longest = sequences.reduce((max, seq) => Math.max(max, seq.length), 0);
  let length = longest;
  if (options.length !== undefined) {
    if (!Number.isSafeInteger(options.length) || options.length < 0)
      throw new RangeError(`pad length must be an integer >= 0, got ${options.length}`);
    if (longest > options.length) {
      throw new RangeError(
        `a sequence of ${longest} tokens does not fit the pad length ${options.length}; truncate with maxLength first`,
      );
    }
    length = options.length;
  }
  if (options.multipleOf !== undefined) {
    if (!Number.isSafeInteger(options.multipleOf) || options.multipleOf < 1)
      throw new RangeError(`multipleOf must be an integer >= 1, got ${options.multipleOf}`);
    length = Math.ceil(length / options.multipleOf) * options.multipleOf;
  }
  return length;
}

/** Each sequence extended with `value` to `length` on `side`. */
export function padTo(
  sequences: readonly (readonly number[])[],
  value: number,
  length: number,
  side: PaddingSide = 'right',
): number[][] {
  return sequences.map((seq) => {
    if (seq.length > length)
      throw new RangeError(`a sequence of ${seq.length} tokens does not fit the pad length ${length}`);
    const padding = new Array<number>(length - seq.length).fill(value);
    return side === 'right' ? [...seq, ...padding] : [...padding, ...seq];
  });
}

export interface PaddedBatch {
  inputIds: number[][];
  attentionMask: number[][];
}

export function padBatch(
  sequences: readonly (readonly number[])[],
  padTokenId: number,
  options: PadOptions = {},
): PaddedBatch {
  const length = paddedLength(sequences, options);
  const side = options.side ?? 'right';
  return {
    inputIds: padTo(sequences, padTokenId, length, side),
    attentionMask: padTo(
      sequences.map((seq) => seq.map(() => 1)),
      0,
      length,
      side,
    ),
  };
}
