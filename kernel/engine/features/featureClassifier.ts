/** What `logisticRegression` and `mlpClassifier` return: predictions, probabilities and an evaluation. */
import { accuracy, f1Score, type ClassLabel } from '../train/metrics';
import { toMatrix } from './featureData';

export interface ClassifierEvaluation {
  accuracy: number;
  /** Binary F1 of the second class for two classes, macro F1 otherwise. */
  f1: number;
  /** Mean negative log-likelihood of the true classes. */
  logLoss: number;
  n: number;
}

export abstract class FeatureClassifier {
  abstract readonly kind: 'logistic-regression' | 'mlp';

  constructor(
    /** Class labels, index = column of predictProba. */
    readonly classes: readonly ClassLabel[],
    readonly numFeatures: number,
  ) {}

  /** Class probabilities of one row (length = classes.length). */
  protected abstract probabilities(x: Float64Array, offset: number): number[];

  predictProba(features: readonly ArrayLike<number>[]): number[][] {
    const { x, n, d } = toMatrix(features, 'features', this.numFeatures);
    return Array.from({ length: n }, (_, i) => this.probabilities(x, i * d));
  }

  predict(features: readonly ArrayLike<number>[]): ClassLabel[] {
    return this.predictProba(features).map((p) => this.classes[argmax(p)]);
  }

  evaluate(features: readonly ArrayLike<number>[], labels: readonly ClassLabel[]): ClassifierEvaluation {
    const proba = this.predictProba(features);
    if (!Array.isArray(labels) || labels.length !== proba.length)
      throw new RangeError(`got ${proba.length} feature rows but ${labels?.length} labels`);
    let nll = 0;
    labels.forEach((label, i) => {
      const c = this.classes.indexOf(label);
      if (c < 0)
        throw new RangeError(
          `label ${JSON.stringify(label)} is not one of the classes ${JSON.stringify(this.classes)}`,
        );
      nll -= Math.log(Math.max(proba[i][c], 1e-15));
    });
    const predicted = proba.map((p) => this.classes[argmax(p)]);
    const f1 =
      this.classes.length === 2
        ? f1Score(labels, predicted, { average: 'binary', posLabel: this.classes[1] })
        : f1Score(labels, predicted, { average: 'macro' });
    return { accuracy: accuracy(labels, predicted), f1, logLoss: nll / labels.length, n: labels.length };
  }
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Numerically stable softmax of z[0..k) in place. */
export function softmaxInPlace(z: Float64Array | number[]): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i] - max);
    sum += z[i];
  }
  for (let i = 0; i < z.length; i++) z[i] /= sum;
}
