// Stopping helpers: outside a kernel only the given signal counts; the kernel's cell signal counts too; the
// thrown value is the signal's reason, or a TrainingStoppedError naming the job when it has none.
import { afterEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { KERNEL_BRIDGE_KEY, type KernelBridge } from '../../../../../kernel/engine/runtime/kernelBridge';
import { stopRequested, throwIfStopped, yieldAndCheck } from '../../../../../kernel/engine/train/stopping';
import { TrainingStoppedError } from '../../../../../kernel/engine/train/trainingStoppedError';

afterEach(() => delete (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY]);

test('outside a kernel: only the given signal stops', () => {
  assert.equal(stopRequested(), false);
  assert.doesNotThrow(() => throwIfStopped());
  const controller = new AbortController();
  assert.equal(stopRequested(controller.signal), false);
  const reason = new Error('own');
  controller.abort(reason);
  assert.equal(stopRequested(controller.signal), true);
  assert.throws(
    () => throwIfStopped(controller.signal),
    (e) => e === reason,
  );
});

test("inside a kernel: the cell's interrupt stops, after a turn of the event loop in yieldAndCheck", async () => {
  const cell = new AbortController();
  (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE_KEY] = {
    currentSignal: () => cell.signal,
  } as unknown as KernelBridge;
  assert.equal(stopRequested(new AbortController().signal), false);
  const reason = new Error('interrupt');
  setImmediate(() => cell.abort(reason));
  await assert.rejects(yieldAndCheck(undefined, 'job'), (e) => e === reason);
  assert.equal(stopRequested(), true);
});

test('a signal aborted without a reason gives a TrainingStoppedError naming the job', () => {
  const signal = { aborted: true, reason: undefined } as unknown as AbortSignal;
  assert.throws(
    () => throwIfStopped(signal, 'dpo'),
    (e: Error) => e instanceof TrainingStoppedError && /^dpo was stopped/.test(e.message),
  );
});
