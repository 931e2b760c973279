import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionQueue } from '../../../../extension/notebook/executionQueue';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ExecutionQueue', () => {
  it('runs cells one at a time in the order they were queued, across separate requests', async () => {
    const queue = new ExecutionQueue();
    const events: string[] = [];
    const first = deferred();
    queue.enqueue({
      run: async () => {
        events.push('start 1');
        await first.promise;
        events.push('end 1');
      },
      cancel: () => events.push('cancel 1'),
    });
    queue.enqueue({
      run: async () => {
        events.push('start 2');
      },
      cancel: () => events.push('cancel 2'),
    });
    await Promise.resolve();
    queue.enqueue({
      run: async () => {
        events.push('start 3');
      },
      cancel: () => events.push('cancel 3'),
    });
    assert.deepEqual(events, ['start 1']);
    assert.equal(queue.pendingCount, 2);
    first.resolve();
    await queue.whenIdle();
    assert.deepEqual(events, ['start 1', 'end 1', 'start 2', 'start 3']);
    assert.equal(queue.isBusy, false);
  });

  it('cancelPending drops waiting cells but lets the running one finish', async () => {
    const queue = new ExecutionQueue();
    const events: string[] = [];
    const running = deferred();
    queue.enqueue({
      run: async () => {
        await running.promise;
        events.push('finished 1');
      },
      cancel: () => events.push('cancel 1'),
    });
    queue.enqueue({
      run: async () => {
        events.push('ran 2');
      },
      cancel: () => events.push('cancel 2'),
    });
    queue.enqueue({
      run: async () => {
        events.push('ran 3');
      },
      cancel: () => {
        events.push('cancel 3');
        throw new Error('cancel failed');
      },
    });
    assert.equal(queue.cancelPending(), 2);
    running.resolve();
    await queue.whenIdle();
    assert.deepEqual(events, ['cancel 2', 'cancel 3', 'finished 1']);
  });

  it('keeps going after a run that rejects despite its contract', async () => {
    const queue = new ExecutionQueue();
    const events: string[] = [];
    queue.enqueue({
      run: async () => {
        throw new Error('bad');
      },
      cancel: () => undefined,
    });
    queue.enqueue({
      run: async () => {
        events.push('next ran');
      },
      cancel: () => undefined,
    });
    await queue.whenIdle();
    assert.deepEqual(events, ['next ran']);
  });

  it('is idle at once when empty and runs cells queued after it went idle', async () => {
    const queue = new ExecutionQueue();
    await queue.whenIdle();
    let ran = false;
    queue.enqueue({
      run: async () => {
        ran = true;
      },
      cancel: () => undefined,
    });
    await queue.whenIdle();
    assert.equal(ran, true);
  });
});
