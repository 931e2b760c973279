/**
 * Training and evaluation metrics on plain arrays, with scikit-learn's definitions:
 * a running (weighted) loss mean, accuracy, precision/recall/F1 (binary, macro, weighted) and
 * perplexity. Undefined ratios (0/0) count as 0, like sklearn's default `zero_division`.
 */
export type ClassLabel = number | string;

/** Running weighted mean, e.g. of per-batch losses weighted by the number of predicted tokens. */
export class RunningMean {
  private sum = 0;
  private weightSum = 0;
  private n = 0;

  add(value: number, weight = 1): void {
    if (!Number.isFinite(weight) || weight < 0)
      throw new RangeError(`RunningMean weight must be finite and >= 0, got ${weight}`);
    if (weight === 0) return;
    this.sum += value * weight;
    this.weightSum += weight;
    this.n++;
  }

  /** NaN before anything was added. */
  get mean(): number {
    return this.weightSum === 0 ? NaN : this.sum / this.weightSum;
  }

  /** How many values were added (with non-zero weight). */
  get count(): number {
    return this.n;
  }

  get totalWeight(): number {
    return this.weightSum;
  }

  reset(): void {
    this.sum = 0;
    this.weightSum = 0;
    this.n = 0;
  }
}

/** Weighted mean of `values` (equal weights when omitted). */
export function weightedMean(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
  if (weights && weights.length !== values.length) {
    throw new RangeError(`weightedMean got ${values.length} values but ${weights.length} weights`);
  }
  const mean = new RunningMean();
  for (let i = 0; i < values.length; i++) mean.add(values[i], weights ? weights[i] : 1);
  return mean.mean;
}

/** exp(mean negative log-likelihood per token); Infinity when it overflows. */
export function perplexity(meanNll: number): number {
  return Math.exp(meanNll);
}

export function accuracy(yTrue: ArrayLike<ClassLabel>, yPred: ArrayLike<ClassLabel>): number {
  checkPaired(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

export interface PerClassScores {
  label: ClassLabel;
  precision: number;
  recall: number;
  f1: number;
  /** Occurrences in yTrue. */
  support: number;
}

/** Per-class precision/recall/F1 over the sorted union of labels in both arrays (sklearn order). */
export function perClassScores(
  yTrue: ArrayLike<ClassLabel>,
  yPred: ArrayLike<ClassLabel>,
  labels?: readonly ClassLabel[],
): PerClassScores[] {
  checkPaired(yTrue, yPred);
  const classes = labels ?? sortedUnion(yTrue, yPred);
  return classes.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const isTrue = yTrue[i] === label;
      const isPred = yPred[i] === label;
      if (isTrue && isPred) tp++;
      else if (isPred) fp++;
      else if (isTrue) fn++;
    }
    const precision = divideOrZero(tp, tp + fp);
    const recall = divideOrZero(tp, tp + fn);
    const f1 = divideOrZero(2 * precision * recall, precision + recall);
    return { label, precision, recall, f1, support: tp + fn };
  });
}

export type F1Average = 'binary' | 'macro' | 'weighted';

export interface F1Options {
  /** Default 'binary' like sklearn's `f1_score`. */
  average?: F1Average;
  /** The positive class for 'binary'; default 1. */
  posLabel?: ClassLabel;
}

export function f1Score(yTrue: ArrayLike<ClassLabel>, yPred: ArrayLike<ClassLabel>, options: F1Options = {}): number {
  const average = options.average ?? 'binary';
  const present = sortedUnion(yTrue, yPred);
  if (average === 'binary') {
    const posLabel = options.posLabel ?? 1;
    if (present.length > 2) {
      throw new RangeError(
        `f1Score with average 'binary' needs at most 2 classes, found ${present.length}; use average 'macro' or 'weighted'`,
      );
    }
    if (present.length === 2 && !present.includes(posLabel)) {
      throw new RangeError(
        `f1Score posLabel ${JSON.stringify(posLabel)} is not one of the labels ${JSON.stringify(present)}`,
      );
    }
    return perClassScores(yTrue, yPred, [posLabel])[0].f1;
  }
  const scores = perClassScores(yTrue, yPred, present);
  if (average === 'macro') return weightedMean(scores.map((s) => s.f1));
  if (average === 'weighted') {
    const total = scores.reduce((sum, s) => sum + s.support, 0);
    return total === 0
      ? 0
      : weightedMean(
          scores.map((s) => s.f1),
          scores.map((s) => s.support),
        );
  }
  throw new RangeError(`f1Score average must be 'binary', 'macro' or 'weighted', got ${JSON.stringify(average)}`);
}

/** Row-wise argmax of logits laid out [N, numClasses] (first maximum wins, like numpy). */
export function argmaxRows(logits: ArrayLike<number>, numClasses: number): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 1 || logits.length % numClasses !== 0) {
    throw new RangeError(`argmaxRows: ${logits.length} logits do not split into rows of ${numClasses}`);
  }
  const predictions: number[] = [];
  for (let row = 0; row < logits.length; row += numClasses) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (logits[row + c] > logits[row + best]) best = c;
    predictions.push(best);
  }
  return predictions;
}

function divideOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function checkPaired(yTrue: ArrayLike<ClassLabel>, yPred: ArrayLike<ClassLabel>): void {
  if (yTrue.length !== yPred.length)
    throw new RangeError(`metric got ${yTrue.length} true labels but ${yPred.length} predictions`);
  if (yTrue.length === 0) throw new RangeError('metric needs at least one example');
}

function sortedUnion(a: ArrayLike<ClassLabel>, b: ArrayLike<ClassLabel>): ClassLabel[] {
  const set = new Set<ClassLabel>();
  for (let i = 0; i < a.length; i++) set.add(a[i]);
  for (let i = 0; i < b.length; i++) set.add(b[i]);
  return [...set].sort(compareLabels);
}

function compareLabels(x: ClassLabel, y: ClassLabel): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
