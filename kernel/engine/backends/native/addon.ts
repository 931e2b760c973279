/**
 * Loads the native addon (dist/native/tunebook_native.node, built by scripts/build-native.mjs). When it is
 * absent, the build's own record (dist/native/build.json) says why, and that becomes the error's reason.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { NativeBackendError } from './nativeError';

/** The addon's functions; arrays are read and written in place (see src/*.cc for each signature). */
export interface NativeAddon {
  info(): { config: string; threads: number; poolThreads: number };
  setThreads(n: number): void;
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batchA: number,
    batchB: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    bias: Float32Array | null,
    activation: number,
  ): void;
  binary(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    outShape: Int32Array,
    aStrides: Int32Array,
    bStrides: Int32Array,
  ): void;
  unary(op: number, x: Float32Array, out: Float32Array): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, mid: number, inner: number): void;
  transpose(x: Float32Array | Int32Array, out: Float32Array | Int32Array, shape: Int32Array, perm: Int32Array): void;
  gather(
    x: Float32Array | Int32Array,
    indices: Int32Array,
    out: Float32Array | Int32Array,
    outer: number,
    axisDim: number,
    inner: number,
  ): number;
  segmentSum(x: Float32Array, ids: Int32Array, out: Float32Array, numSegments: number, rowSize: number): void;
  slice(
    x: Float32Array | Int32Array,
    out: Float32Array | Int32Array,
    shape: Int32Array,
    begin: Int32Array,
    size: Int32Array,
  ): void;
  copyRows(
    src: Float32Array | Int32Array,
    dst: Float32Array | Int32Array,
    rows: number,
    rowLen: number,
    dstStride: number,
    dstOffset: number,
  ): void;
  gelu(x: Float32Array, out: Float32Array, tanhForm: boolean): void;
  geluGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, tanhForm: boolean): void;
  layerNorm(
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  layerNormGrad(
    x: Float32Array,
    weight: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    dWeight: Float32Array,
    dBias: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  adamw(
    p: Float32Array,
    m: Float32Array,
    v: Float32Array,
    g: Float32Array,
    outP: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    keep: number,
    w1: number,
    beta2: number,
    w2: number,
    stepSize: number,
    bc2Sqrt: number,
    eps: number,
  ): void;
}

const ADDON = 'tunebook_native.node';

/**
 * TUNEBOOK_NATIVE_DIR when set (tests point it at a folder without the addon), else dist/native beside a bundled
 * engine (dist/engine.js), else the repository's dist/native (running from source).
 */
export function nativeDir(): string {
  if (process.env.TUNEBOOK_NATIVE_DIR) return process.env.TUNEBOOK_NATIVE_DIR;
  const besideBundle = path.join(__dirname, 'native');
  if (fs.existsSync(path.join(besideBundle, ADDON)) || fs.existsSync(path.join(besideBundle, 'build.json')))
    return besideBundle;
  return path.join(__dirname, '..', '..', '..', '..', 'dist', 'native');
}

let loaded: NativeAddon | undefined;

export function loadNativeAddon(): NativeAddon {
  if (loaded) return loaded;
  const dir = nativeDir();
  const file = path.join(dir, ADDON);
  if (!fs.existsSync(file)) throw new NativeBackendError(`the native addon is not built (${buildReason(dir)})`);
  try {
    loaded = createRequire(__filename)(file) as NativeAddon;
  } catch (err) {
    throw new NativeBackendError(
      `the native addon ${file} failed to load (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`,
    );
  }
  return loaded;
}

function buildReason(dir: string): string {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'build.json'), 'utf8')) as {
      built?: boolean;
      reason?: string;
    };
    if (record.built === false && record.reason) return record.reason;
    return `${path.join(dir, ADDON)} is missing`;
  } catch {
    return `no build record in ${dir}; run npm run build`;
  }
}
