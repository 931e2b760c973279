import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  flattenRequiredFeatures,
  patchRequestDevice,
} from '../../../../../../kernel/engine/backends/webgpu/requiredFeatures';

test("tfjs-backend-webgpu's nested ['bgra8unorm-storage'] entry becomes a flat, de-duplicated name list", () => {
  const descriptor = {
    requiredFeatures: ['timestamp-query', ['bgra8unorm-storage']],
    requiredLimits: { maxBufferSize: 1024 },
  };
  const flat = flattenRequiredFeatures(descriptor);
  assert.deepEqual(flat.requiredFeatures, ['timestamp-query', 'bgra8unorm-storage']);
  assert.deepEqual(flat.requiredLimits, { maxBufferSize: 1024 }, 'other fields are kept');
  assert.deepEqual(
    descriptor.requiredFeatures,
    ['timestamp-query', ['bgra8unorm-storage']],
    'the input is not modified',
  );
  assert.deepEqual(flattenRequiredFeatures({ requiredFeatures: new Set(['a', 'a', 'b']) }).requiredFeatures, [
    'a',
    'b',
  ]);
  assert.deepEqual(flattenRequiredFeatures({ requiredFeatures: [[['deep']], 'deep'] }).requiredFeatures, ['deep']);
});

test('descriptors without features pass through; a non-name entry is a TypeError naming it', () => {
  assert.equal(flattenRequiredFeatures(undefined), undefined);
  const bare = { label: 'x' };
  assert.equal(flattenRequiredFeatures(bare), bare);
  assert.throws(
    () => flattenRequiredFeatures({ requiredFeatures: ['ok', 42] }),
    (e: unknown) => e instanceof TypeError && /42, not a feature name/.test(e.message),
  );
});

test('patchRequestDevice makes every requestDevice call see flat features, once, keeping `this` and the result', async () => {
  const seen: unknown[] = [];
  class FakeAdapter {
    readonly name = 'fake';
    async requestDevice(descriptor?: { requiredFeatures?: Iterable<unknown> }) {
      seen.push({
        self: this.name,
        features: descriptor?.requiredFeatures ? [...descriptor.requiredFeatures] : undefined,
      });
      return { device: true };
    }
  }
  patchRequestDevice(FakeAdapter.prototype);
  patchRequestDevice(FakeAdapter.prototype); // a second install must not wrap twice
  const adapter = new FakeAdapter();
  assert.deepEqual(await adapter.requestDevice({ requiredFeatures: ['timestamp-query', ['bgra8unorm-storage']] }), {
    device: true,
  });
  await adapter.requestDevice();
  assert.deepEqual(seen, [
    { self: 'fake', features: ['timestamp-query', 'bgra8unorm-storage'] },
    { self: 'fake', features: undefined },
  ]);
});
