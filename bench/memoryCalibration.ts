/**
 * Counts the activation coefficients of kernel/engine/train/memory.ts: for each family and gradient reach it
 * measures one training step's peak live buffer bytes on the tfjs cpu backend (bench/measureStep.ts) at small
 * shapes that vary one size at a time, subtracts the trainable parameters' gradients, and solves the least
 * squares for a…f. Prints the table memory.ts holds. `npx tsx bench/memoryCalibration.ts` (about a minute).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../kernel/engine/backends/ladder';
import {
  activationFeatures,
  type ActivationCoefficients,
  type GradientReach,
  type TrainingMethod,
} from '../kernel/engine/train/memory';
import { shapeOf } from '../kernel/engine/train/memoryShape';
import { buildForMethod, measureStep } from './measureStep';
import { bertConfig, distilbertConfig, gpt2Config, vitConfig } from './shapes';

type Family = 'gpt2' | 'distilbert' | 'bert' | 'vit';
interface Point {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  seq: number;
  batch: number;
}

const BASE: Point = { layers: 2, hidden: 64, heads: 4, intermediate: 256, vocab: 256, seq: 32, batch: 2 };
const VARIANTS: Array<Partial<Point>> = [
  {},
  { layers: 3 },
  { hidden: 96 },
  { intermediate: 128 },
  { heads: 8 },
  { seq: 64 },
  { batch: 3 },
  { vocab: 512 },
  { vocab: 1024, seq: 48 },
];
const KEYS: Array<keyof ActivationCoefficients> = [
  'perBlockHidden',
  'perBlockMlp',
  'perBlockScores',
  'outsideHidden',
  'outsideVocab',
  'vocabTable',
];

export function configFor(familyName: Family, p: Point): Record<string, unknown> {
  const size = { ...p, positions: p.seq };
  if (familyName === 'gpt2') return gpt2Config(size);
  if (familyName === 'distilbert') return distilbertConfig(size);
  if (familyName === 'bert') return bertConfig(size);
  // ViT tokens: (image / patch)² + 1; seq 32 → 8×8 patches of 4 (65 tokens), seq 64 → 12×12 (145)
  return vitConfig({ ...size, imageSize: p.seq === 32 ? 32 : 48, patchSize: 4 });
}

function measureActivations(
  familyName: Family,
  method: TrainingMethod,
  p: Point,
): { features: ActivationCoefficients; bytes: number } {
  const config = configFor(familyName, p);
  const model = buildForMethod(config, method);
  try {
    const shape = shapeOf(model);
    const T = shape.fixedTokens ?? p.seq;
    const measured = measureStep(model, { batchSize: p.batch, sequenceLength: T });
    return {
      features: activationFeatures(shape, p.batch, T),
      bytes: measured.stepPeakBytes - 4 * measured.trainableParams,
    };
  } finally {
    model.dispose();
  }
}

/** Least squares over the columns that vary (a column of zeros, e.g. vocab for encoders, gets 0). */
function solve(rows: Array<{ features: ActivationCoefficients; bytes: number }>): ActivationCoefficients {
  const cols = KEYS.filter((k) => rows.some((r) => r.features[k] !== 0));
  const n = cols.length;
  const A = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (const r of rows) {
    const x = cols.map((k) => r.features[k]);
    const y = r.bytes / 4;
    const w = 1 / (y * y); // relative error
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i][j] += w * x[i] * x[j];
      A[i][n] += w * x[i] * y;
    }
  }
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(A[r][i]) > Math.abs(A[pivot][i])) pivot = r;
    [A[i], A[pivot]] = [A[pivot], A[i]];
    for (let r = 0; r < n; r++) {
      if (r === i) continue;
      const f = A[r][i] / A[i][i];
      for (let c = i; c <= n; c++) A[r][c] -= f * A[i][c];
    }
  }
  const out = Object.fromEntries(KEYS.map((k) => [k, 0])) as unknown as ActivationCoefficients;
  cols.forEach((k, i) => (out[k] = Math.round((A[i][n] / A[i][i]) * 10) / 10));
  return out;
}

async function main(): Promise<void> {
  await initBackend('cpu');
  const table: Record<string, Record<string, ActivationCoefficients>> = {};
  for (const familyName of ['gpt2', 'distilbert', 'bert', 'vit'] as const) {
    table[familyName] = {};
    for (const [reach, method] of [
      ['all', 'full'],
      ['head', 'frozen'],
    ] as Array<[GradientReach, TrainingMethod]>) {
      if (familyName === 'gpt2' && reach === 'head') {
        table[familyName][reach] = table[familyName].all; // tied head: gradients reach every block
        continue;
      }
      const rows = VARIANTS.filter((v) => familyName !== 'vit' || v.vocab === undefined).map((v) =>
        measureActivations(familyName, method, { ...BASE, ...v }),
      );
      table[familyName][reach] = solve(rows);
      console.error(
        familyName,
        reach,
        JSON.stringify(table[familyName][reach]),
        `tensors alive: ${tf.memory().numTensors}`,
      );
    }
  }
  console.log(JSON.stringify(table, null, 2));
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
