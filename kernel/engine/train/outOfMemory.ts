/**
 * Turns a backend's out-of-memory failure into an OutOfMemoryError naming the training stage, instead of a
 * library status line: V8's "Array buffer allocation failed" / "Invalid typed array length" RangeErrors (cpu,
 * native), XNNPACK's status 6 (xnn_status_out_of_memory) and Emscripten's "Cannot enlarge memory" / "Out of
 * memory" (wasm), std::bad_alloc from a native addon. Any other error is rethrown unchanged.
 */
import { OutOfMemoryError } from './outOfMemoryError';

export type TrainingStage = 'forward' | 'backward' | 'optimizer' | 'forward/backward';

const OUT_OF_MEMORY = [
  /Array buffer allocation failed/i,
  /Invalid typed array length/i,
  /XNN status .* is not successful\. Got status 6\b/i,
  /Cannot enlarge memory/i,
  /\bOut of memory\b/i,
  /std::bad_alloc|\bbad_alloc\b/,
  /Aborted\(OOM\)/,
];

export function isOutOfMemory(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return OUT_OF_MEMORY.some((re) => re.test(message));
}

export function rethrowIfOutOfMemory(err: unknown, stage: TrainingStage): never {
  if (!isOutOfMemory(err) || err instanceof OutOfMemoryError) throw err;
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  throw new OutOfMemoryError(
    `the backend ran out of memory during the ${stage} pass of a training step (${first}); the model and notebook are unchanged since the last completed step. ` +
      'Use a smaller batch or shorter sequences, LoRA/QLoRA instead of full fine-tuning, or a backend without the 4 GiB wasm heap ceiling (native); estimateMemory(model, …) shows what a run needs',
    stage,
    { cause: err },
  );
}
