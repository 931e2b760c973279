import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f16BitsToFloat, floatToBf16Bits, floatToF16Bits } from '../../../../../kernel/engine/io/halfFloat';

test('every one of the 65536 F16 bit patterns decodes and re-encodes to itself (NaNs stay NaN)', () => {
  for (let h = 0; h < 65536; h++) {
    const value = f16BitsToFloat(h);
    const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    if (isNaN) {
      assert.ok(Number.isNaN(value), h.toString(16));
      assert.ok(Number.isNaN(f16BitsToFloat(floatToF16Bits(value))));
    } else {
      assert.equal(floatToF16Bits(value), h, `0x${h.toString(16)} -> ${value}`);
    }
  }
});

test('F16 rounding: halfway cases go to even, overflow to infinity, deep underflow to signed zero', () => {
  assert.equal(floatToF16Bits(1 + 2 ** -11), 0x3c00); // tie, even is 1.0
  assert.equal(floatToF16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie, even is 1 + 2^-9
  assert.equal(floatToF16Bits(65519), 0x7bff);
  assert.equal(floatToF16Bits(65520), 0x7c00);
  assert.equal(floatToF16Bits(2 ** -25), 0x0000); // tie between 0 and the smallest subnormal: even is 0
  assert.equal(floatToF16Bits(1.5 * 2 ** -25), 0x0001);
  assert.equal(floatToF16Bits(-1e-10), 0x8000);
});

test('BF16 keeps the top 16 bits of float32 when exact and rounds halfway cases to even', () => {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (const bits of [0x3f800000, 0xbf800000, 0x7f800000, 0x00010000, 0x7f7f0000]) {
    u32[0] = bits;
    assert.equal(floatToBf16Bits(f32[0]), bits >>> 16);
  }
  u32[0] = 0x3f808000; // halfway, low bit 0: stays
  assert.equal(floatToBf16Bits(f32[0]), 0x3f80);
  u32[0] = 0x3f818000; // halfway, low bit 1: rounds up
  assert.equal(floatToBf16Bits(f32[0]), 0x3f82);
  u32[0] = 0x7f7fffff; // the largest float rounds to infinity
  assert.equal(floatToBf16Bits(f32[0]), 0x7f80);
  assert.equal(floatToBf16Bits(NaN), 0x7fc0);
});
