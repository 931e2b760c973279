/**
 * `logisticRegression(features, labels, options)`: L2-regularised logistic regression with scikit-learn's
 * objective and parameterisation (`LogisticRegression(solver='lbfgs')`), minimised with deterministic L-BFGS:
 *   two classes  one weight vector w (coef_ [1, d]), p(class 1) = sigmoid(w·x + b),
 *                C · Σ log(1 + exp(-t·(w·x + b))) + ½‖w‖²                      (t = ±1)
 *   k > 2        multinomial W (coef_ [k, d]), p = softmax(W x + b),  C · Σ -log p_y + ½‖W‖²
 * The intercept is not penalised.
 */
import type { ClassLabel } from '../train/metrics';
import { encodeLabels, toMatrix, type FeatureMatrix } from './featureData';
import { FeatureClassifier, softmaxInPlace } from './featureClassifier';
import { minimizeLbfgs } from './lbfgs';

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (sklearn's C); default 1. */
  C?: number;
  /** Default true. */
  fitIntercept?: boolean;
  /** L-BFGS iterations; default 1000. */
  maxIter?: number;
  /** Stop when every gradient entry is below this; default 1e-6. */
  tol?: number;
}

export class LogisticRegressionClassifier extends FeatureClassifier {
  readonly kind = 'logistic-regression' as const;

  constructor(
    classes: readonly ClassLabel[],
    numFeatures: number,
    /** sklearn's coef_: [1, d] for two classes, [k, d] otherwise. */
    readonly coef: number[][],
    /** sklearn's intercept_: [1] or [k]. */
    readonly intercept: number[],
    readonly iterations: number,
    readonly converged: boolean,
  ) {
    super(classes, numFeatures);
  }

  protected probabilities(x: Float64Array, offset: number): number[] {
    const z = this.coef.map((w, k) => {
      let s = this.intercept[k];
      for (let j = 0; j < w.length; j++) s += w[j] * x[offset + j];
      return s;
    });
    if (this.coef.length === 1) {
      const p = sigmoid(z[0]);
      return [1 - p, p];
    }
    softmaxInPlace(z);
    return z;
  }
}

export function logisticRegression(
  features: readonly ArrayLike<number>[],
  labels: readonly ClassLabel[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionClassifier {
  const C = options.C ?? 1;
  if (!(typeof C === 'number' && C > 0 && Number.isFinite(C)))
    throw new RangeError(`C must be a finite number > 0, got ${C}`);
  const maxIter = options.maxIter ?? 1000;
  if (!Number.isSafeInteger(maxIter) || maxIter < 1)
    throw new RangeError(`maxIter must be an integer >= 1, got ${maxIter}`);
  const tol = options.tol ?? 1e-6;
  if (!(tol > 0)) throw new RangeError(`tol must be > 0, got ${tol}`);
  const fitIntercept = options.fitIntercept ?? true;
  const data = toMatrix(features);
  const { classes, y } = encodeLabels(labels, data.n);
  const rows = classes.length === 2 ? 1 : classes.length;
  const objective =
    rows === 1 ? binaryObjective(data, y, C, fitIntercept) : multinomialObjective(data, y, rows, C, fitIntercept);
  const result = minimizeLbfgs(objective, new Float64Array(rows * data.d + (fitIntercept ? rows : 0)), {
    maxIter,
    tol,
  });
  const coef = Array.from({ length: rows }, (_, k) => Array.from(result.x.subarray(k * data.d, (k + 1) * data.d)));
  const intercept = Array.from({ length: rows }, (_, k) => (fitIntercept ? result.x[rows * data.d + k] : 0));
  return new LogisticRegressionClassifier(classes, data.d, coef, intercept, result.iterations, result.converged);
}

function binaryObjective({ x, n, d }: FeatureMatrix, y: Int32Array, C: number, fitIntercept: boolean) {
  return (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    const b = fitIntercept ? theta[d] : 0;
    for (let i = 0; i < n; i++) {
      const t = y[i] === 1 ? 1 : -1;
      let z = b;
      for (let j = 0; j < d; j++) z += theta[j] * x[i * d + j];
      const margin = t * z;
      f += C * softplus(-margin);
      const dz = -C * t * sigmoid(-margin); // d loss / d z
      for (let j = 0; j < d; j++) grad[j] += dz * x[i * d + j];
      if (fitIntercept) grad[d] += dz;
    }
    for (let j = 0; j < d; j++) {
      f += 0.5 * theta[j] * theta[j];
      grad[j] += theta[j];
    }
    return f;
  };
}

function multinomialObjective({ x, n, d }: FeatureMatrix, y: Int32Array, k: number, C: number, fitIntercept: boolean) {
  const z = new Float64Array(k);
  return (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = fitIntercept ? theta[k * d + c] : 0;
        for (let j = 0; j < d; j++) s += theta[c * d + j] * x[i * d + j];
        z[c] = s;
      }
      let max = -Infinity;
      for (const v of z) max = Math.max(max, v);
      let sum = 0;
      for (const v of z) sum += Math.exp(v - max);
      f += C * (max + Math.log(sum) - z[y[i]]);
      for (let c = 0; c < k; c++) {
        const residual = C * (Math.exp(z[c] - max) / sum - (c === y[i] ? 1 : 0));
        for (let j = 0; j < d; j++) grad[c * d + j] += residual * x[i * d + j];
        if (fitIntercept) grad[k * d + c] += residual;
      }
    }
    for (let j = 0; j < k * d; j++) {
      f += 0.5 * theta[j] * theta[j];
      grad[j] += theta[j];
    }
    return f;
  };
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + exp(z)) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
