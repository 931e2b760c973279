/** Starts the 'native' backend for the ladder (kernel/engine/backends/ladder.ts): threads, activation and its report. */
import * as tf from '@tensorflow/tfjs-core';
import { wantedThreads } from '../wasm/wasmLoader';
import { NATIVE_BACKEND, registerNativeBackend } from './nativeBackend';
import { NativeBackendError } from './nativeError';

export interface NativeStartResult {
  readonly threads: number;
  /** e.g. "CPU, native (OpenBLAS 0.3.21, pthread), 2 threads". */
  readonly device: string;
  readonly openblas: string;
}

export async function startNativeBackend(threads = wantedThreads()): Promise<NativeStartResult> {
  const addon = registerNativeBackend();
  addon.setThreads(threads);
  if (!(await tf.setBackend(NATIVE_BACKEND)))
    throw new NativeBackendError('tfjs could not activate the native backend');
  const info = addon.info();
  const version = /OpenBLAS\s+(\S+)/.exec(info.config)?.[1] ?? 'unknown version';
  const flavour = /USE_OPENMP/.test(info.config) ? 'OpenMP' : 'pthread';
  // OpenBLAS runs single-threaded inside each task; the addon's pool holds the threads (src/gemm.cc).
  const n = info.poolThreads;
  return {
    threads: n,
    openblas: info.config,
    device: `CPU, native (OpenBLAS ${version}, ${flavour}), ${n} thread${n === 1 ? '' : 's'}`,
  };
}
