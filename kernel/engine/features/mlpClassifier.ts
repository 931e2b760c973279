/**
 * `mlpClassifier(features, labels, options)`: a one-hidden-layer ReLU network with a softmax output, trained in
 * float64 with Adam on seeded mini-batches (cross-entropy + ½·l2·‖W‖²). Same seed and data → same classifier.
 */
import { Rng } from '../train/rng';
import type { ClassLabel } from '../train/metrics';
import { encodeLabels, toMatrix } from './featureData';
import { FeatureClassifier, softmaxInPlace } from './featureClassifier';

export interface MlpOptions {
  /** Default 64. */
  hiddenSize?: number;
  /** Default 100. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam step size; default 1e-3. */
  learningRate?: number;
  /** L2 penalty on the weights; default 1e-4. */
  l2?: number;
  /** Default 0. */
  seed?: number;
}

export class MlpClassifier extends FeatureClassifier {
  readonly kind = 'mlp' as const;

  constructor(
    classes: readonly ClassLabel[],
    numFeatures: number,
    readonly hiddenSize: number,
    /** [w1 (h×d), b1 (h), w2 (k×h), b2 (k)] */
    private readonly weights: Float64Array,
    /** Mean training loss after each epoch. */
    readonly lossCurve: number[],
  ) {
    super(classes, numFeatures);
  }

  protected probabilities(x: Float64Array, offset: number): number[] {
    const z = forwardRow(
      this.weights,
      x,
      offset,
      this.numFeatures,
      this.hiddenSize,
      this.classes.length,
      new Float64Array(this.hiddenSize),
    );
    softmaxInPlace(z);
    return Array.from(z);
  }
}

export function mlpClassifier(
  features: readonly ArrayLike<number>[],
  labels: readonly ClassLabel[],
  options: MlpOptions = {},
): MlpClassifier {
  const h = positiveInt('hiddenSize', options.hiddenSize ?? 64);
  const epochs = positiveInt('epochs', options.epochs ?? 100);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 32);
  const lr = options.learningRate ?? 1e-3;
  const l2 = options.l2 ?? 1e-4;
  if (!(lr > 0) || !(l2 >= 0)) throw new RangeError(`learningRate must be > 0 and l2 >= 0, got ${lr} and ${l2}`);
  const { x, n, d } = toMatrix(features);
  const { classes, y } = encodeLabels(labels, n);
  const k = classes.length;
  const rng = Rng.fromSeed(options.seed ?? 0);
  const layout = { w1: 0, b1: h * d, w2: h * d + h, b2: h * d + h + k * h, size: h * d + h + k * h + k };
  const w = new Float64Array(layout.size);
  for (let i = 0; i < h * d; i++) w[layout.w1 + i] = rng.nextNormal() * Math.sqrt(2 / d);
  for (let i = 0; i < k * h; i++) w[layout.w2 + i] = rng.nextNormal() * Math.sqrt(1 / h);

  const grad = new Float64Array(layout.size);
  const m = new Float64Array(layout.size);
  const v = new Float64Array(layout.size);
  const hidden = new Float64Array(h);
  const dHidden = new Float64Array(h);
  let step = 0;
  const lossCurve: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = rng.permutation(n);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      grad.fill(0);
      for (const i of batch) {
        const z = forwardRow(w, x, i * d, d, h, k, hidden);
        softmaxInPlace(z);
        epochLoss -= Math.log(Math.max(z[y[i]], 1e-300));
        dHidden.fill(0);
        for (let c = 0; c < k; c++) {
          const dz = (z[c] - (c === y[i] ? 1 : 0)) / batch.length;
          grad[layout.b2 + c] += dz;
          for (let u = 0; u < h; u++) {
            grad[layout.w2 + c * h + u] += dz * hidden[u];
            dHidden[u] += dz * w[layout.w2 + c * h + u];
          }
        }
        for (let u = 0; u < h; u++) {
          if (hidden[u] <= 0) continue;
          grad[layout.b1 + u] += dHidden[u];
          for (let j = 0; j < d; j++) grad[layout.w1 + u * d + j] += dHidden[u] * x[i * d + j];
        }
      }
      for (let i = 0; i < h * d; i++) grad[layout.w1 + i] += l2 * w[layout.w1 + i];
      for (let i = 0; i < k * h; i++) grad[layout.w2 + i] += l2 * w[layout.w2 + i];
      step++;
      const c1 = 1 - 0.9 ** step;
      const c2 = 1 - 0.999 ** step;
      for (let i = 0; i < layout.size; i++) {
        m[i] = 0.9 * m[i] + 0.1 * grad[i];
        v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
        w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
      }
    }
    lossCurve.push(epochLoss / n);
  }
  return new MlpClassifier(classes, d, h, w, lossCurve);
}

/** Logits of one row; fills `hidden` with the ReLU activations. */
function forwardRow(
  w: Float64Array,
  x: Float64Array,
  offset: number,
  d: number,
  h: number,
  k: number,
  hidden: Float64Array,
): Float64Array {
  const b1 = h * d;
  const w2 = b1 + h;
  const b2 = w2 + k * h;
  for (let u = 0; u < h; u++) {
    let s = w[b1 + u];
    for (let j = 0; j < d; j++) s += w[u * d + j] * x[offset + j];
    hidden[u] = s > 0 ? s : 0;
  }
  const z = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = w[b2 + c];
    for (let u = 0; u < h; u++) s += w[w2 + c * h + u] * hidden[u];
    z[c] = s;
  }
  return z;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1, got ${v}`);
  return v;
}
