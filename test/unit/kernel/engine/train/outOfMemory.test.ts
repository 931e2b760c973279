import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutOfMemory, rethrowIfOutOfMemory } from '../../../../../kernel/engine/train/outOfMemory';
import { OutOfMemoryError } from '../../../../../kernel/engine/train/outOfMemoryError';

const OUT_OF_MEMORY = [
  new RangeError('Array buffer allocation failed'),
  new RangeError('Invalid typed array length: 4294967296'),
  new Error(
    'XNN status for xnn_create_fully_connected_nc_f32 is not successful. Got status 6. Use -c dbg to see more logs.',
  ),
  new Error('Cannot enlarge memory, asked to go up to 4294967296 bytes'),
  new Error('Out of memory'),
  new Error('std::bad_alloc'),
];

test('each backend out-of-memory failure becomes an OutOfMemoryError naming the stage, cause kept', () => {
  for (const [i, original] of OUT_OF_MEMORY.entries()) {
    const stage = (['forward', 'backward', 'optimizer'] as const)[i % 3];
    assert.ok(isOutOfMemory(original), original.message);
    assert.throws(
      () => rethrowIfOutOfMemory(original, stage),
      (err: Error) => {
        assert.ok(err instanceof OutOfMemoryError, `${original.message}: ${err}`);
        assert.equal(err.stage, stage);
        assert.equal(err.cause, original);
        assert.match(err.message, new RegExp(`ran out of memory during the ${stage} pass`));
        assert.ok(err.message.includes(original.message.split('\n')[0]), 'names the original first line');
        assert.match(err.message, /smaller batch/);
        return true;
      },
    );
  }
});

test('other errors, including XNNPACK statuses other than 6, pass through unchanged', () => {
  for (const other of [
    new Error('XNN status for xnn_setup is not successful. Got status 2'),
    new TypeError('x is undefined'),
    new RangeError('Maximum call stack size exceeded'),
  ]) {
    assert.equal(isOutOfMemory(other), false, other.message);
    assert.throws(
      () => rethrowIfOutOfMemory(other, 'forward'),
      (err) => err === other,
    );
  }
  const already = new OutOfMemoryError('x', 'forward');
  assert.throws(
    () => rethrowIfOutOfMemory(already, 'backward'),
    (err) => err === already,
  );
});
