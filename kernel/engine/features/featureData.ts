/** Checks a feature matrix and its labels, and numbers the classes in scikit-learn's order (np.unique). */
import type { ClassLabel } from '../train/metrics';

export interface FeatureMatrix {
  /** Row-major [n, d] float64. */
  x: Float64Array;
  n: number;
  d: number;
}

export function toMatrix(
  features: readonly ArrayLike<number>[],
  what = 'features',
  expectedDim?: number,
): FeatureMatrix {
  if (!Array.isArray(features) || features.length === 0)
    throw new RangeError(`${what} must be a non-empty array of number rows`);
  const d = features[0]?.length;
  if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`${what}[0] must be a non-empty row of numbers`);
  if (expectedDim !== undefined && d !== expectedDim)
    throw new RangeError(`${what} rows have ${d} features, the classifier was fitted on ${expectedDim}`);
  const n = features.length;
  const x = new Float64Array(n * d);
  features.forEach((row, i) => {
    if (!row || row.length !== d)
      throw new RangeError(`${what}[${i}] has ${row?.length} features, ${what}[0] has ${d}`);
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new RangeError(`${what}[${i}][${j}] = ${v} is not a finite number`);
      x[i * d + j] = v;
    }
  });
  return { x, n, d };
}

/** Sorted distinct labels (numbers by value, strings by code unit) and each row's class index. */
export function encodeLabels(labels: readonly ClassLabel[], n: number): { classes: ClassLabel[]; y: Int32Array } {
  if (!Array.isArray(labels) || labels.length !== n)
    throw new RangeError(`got ${n} feature rows but ${Array.isArray(labels) ? labels.length : 'no'} labels`);
  const kinds = new Set(labels.map((l) => typeof l));
  if (kinds.size !== 1 || !(kinds.has('number') || kinds.has('string')))
    throw new RangeError('labels must be all numbers or all strings');
  const classes = [...new Set(labels)].sort((a, b) =>
    typeof a === 'number' ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0,
  );
  if (classes.length < 2)
    throw new RangeError(`a classifier needs at least 2 classes, the labels hold ${classes.length}`);
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, y: Int32Array.from(labels, (l) => index.get(l)!) };
}
