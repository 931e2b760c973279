// Test support: the golden fixtures written by scripts/make_golden.py and comparisons against them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

export const GOLDEN_DIR = join(__dirname, '..', '..', '..', '..', 'fixtures', 'golden');

/** Parity tolerance (max abs difference) against the float64 PyTorch reference. */
export const TOLERANCE = 1e-4;

export interface GoldenTensor {
  shape: number[];
  data: number[];
}

export function fixtureDir(name: string): string {
  return join(GOLDEN_DIR, name);
}

export function expected(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, name, 'expected.json'), 'utf8'));
}

export function goldenTensor(g: GoldenTensor): tf.Tensor {
  return tf.tensor(g.data, g.shape, 'float32');
}

/**
 * Max |actual - expected| over the elements where `include(index)` holds (all by default); also checks shapes.
 */
export function maxAbsDiff(actual: tf.Tensor, want: GoldenTensor, include?: (flatIndex: number) => boolean): number {
  assert.deepEqual(actual.shape, want.shape, 'shape');
  const got = actual.dataSync();
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    if (include && !include(i)) continue;
    const d = Math.abs(got[i] - want.data[i]);
    if (!(d <= worst)) worst = d; // NaN propagates as a failure
  }
  return worst;
}

export function assertClose(
  actual: tf.Tensor,
  want: GoldenTensor,
  what: string,
  include?: (i: number) => boolean,
): void {
  const diff = maxAbsDiff(actual, want, include);
  assert.ok(diff <= TOLERANCE, `${what}: max abs difference ${diff} exceeds ${TOLERANCE}`);
}

/** Flat-index filter over [B, T, ...rest] selecting positions whose attention mask is 1. */
export function maskedPositions(mask: number[][], shape: number[]): (i: number) => boolean {
  const perPosition = shape.slice(2).reduce((a, b) => a * b, 1);
  const T = shape[1];
  return (i) => {
    const pos = Math.floor(i / perPosition);
    return mask[Math.floor(pos / T)][pos % T] === 1;
  };
}
