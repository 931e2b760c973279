/** The ladder's 'native' rung: starts the backend, or fails with "native skipped: <reason>" for the report. */
import { startNativeBackend } from './startNative';
import { NativeBackendError } from './nativeError';

export interface NativeRungReport {
  report: { name: string; device: string; threads: number; simd: boolean };
  note: string | null;
}

/** `unavailable` builds the ladder's own "rung cannot start" error from a reason. */
export async function startNativeRung(
  threads: number,
  unavailable: (reason: string) => Error,
): Promise<NativeRungReport> {
  try {
    const started = await startNativeBackend(threads);
    return { report: { name: 'native', device: started.device, threads: started.threads, simd: true }, note: null };
  } catch (err) {
    if (err instanceof NativeBackendError) throw unavailable(`native skipped: ${err.message}`);
    throw err;
  }
}
