import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleb, uleb } from '../../../../../../kernel/engine/backends/wasm/simd/wasmEncoder';

test('uleb/sleb encode LEB128 as the WebAssembly spec examples', () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [127]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(0), [0]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-8), [0x78]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
});
