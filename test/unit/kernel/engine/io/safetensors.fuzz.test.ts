import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors, serializeSafetensors } from '../../../../../kernel/engine/io/safetensors';
import { SafetensorsError } from '../../../../../kernel/engine/io/safetensorsError';

/** mulberry32: a tiny seeded PRNG so that every failure is reproducible from its case number. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds: Uint8Array[] = [
  new Uint8Array(readFileSync(join(__dirname, '../../../../fixtures/io/golden.safetensors'))),
  serializeSafetensors(
    [
      { name: 'a', dtype: 'BF16', shape: [2, 2], data: new Float32Array([1, -2, 3, 4]) },
      { name: 'b', dtype: 'I64', shape: [1], data: new BigInt64Array([7n]) },
      { name: 'c', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
    ],
    { k: 'v' },
  ),
];

const HEADER_EDITS: Array<[RegExp, string]> = [
  [/"F32"/, '"F16"'],
  [/"F16"/, '"X9"'],
  [/\[2,3\]/, '[3,2,1]'],
  [/\[2,3\]/, '[-2,3]'],
  [/\d+\]/, '1e999]'],
  [/"data_offsets":\[\d+/, '"data_offsets":[1'],
  [/,\d+\]/, ',99999999]'],
  [/"shape":\[/, '"shape":["1",'],
  [/\{"dtype"/, '{"dtype":null,"x"'],
  [/"__metadata__":\{/, '"__metadata__":{"n":3,'],
  [/\}/, ''],
  [/"/, ''],
  [/"data_offsets":\[(\d+),(\d+)\]/, '"data_offsets":[$2,$1]'],
  [/"shape":\[[^\]]*\]/, '"shape":[]'],
  [/"shape":\[[^\]]*\]/, '"shape":[9007199254740993,9007199254740993]'],
  [/"dtype":"[A-Z0-9]+"/, '"dtype":"I64"'],
];

function mutate(base: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  const bytes = base.slice();
  const headerEnd = 8 + Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
  switch (pick(6)) {
    case 0: // flip random bytes anywhere
      for (let i = pick(4) + 1; i > 0; i--) bytes[pick(bytes.length)] ^= 1 << pick(8);
      return bytes;
    case 1: // flip bytes inside the header length or header
      for (let i = pick(3) + 1; i > 0; i--) bytes[pick(headerEnd)] = pick(256);
      return bytes;
    case 2: // truncate
      return bytes.subarray(0, pick(bytes.length));
    case 3: // append garbage
      return new Uint8Array([...bytes, ...Array.from({ length: pick(16) + 1 }, () => pick(256))]);
    case 4: {
      // rewrite the header length
      const view = new DataView(bytes.buffer);
      const choices = [
        0n,
        1n,
        BigInt(headerEnd - 9),
        BigInt(headerEnd - 7),
        BigInt(bytes.length),
        2n ** 64n - 1n,
        BigInt(pick(2 ** 31)),
      ];
      view.setBigUint64(0, choices[pick(choices.length)], true);
      return bytes;
    }
    default: {
      // a structured edit of the JSON header, keeping the length field consistent
      const header = new TextDecoder().decode(bytes.subarray(8, headerEnd));
      const [pattern, replacement] = HEADER_EDITS[pick(HEADER_EDITS.length)];
      const edited = new TextEncoder().encode(header.replace(pattern, replacement));
      const out = new Uint8Array(8 + edited.length + bytes.length - headerEnd);
      new DataView(out.buffer).setBigUint64(0, BigInt(edited.length), true);
      out.set(edited, 8);
      out.set(bytes.subarray(headerEnd), 8 + edited.length);
      return out;
    }
  }
}

test('5000 seeded mutations either parse or throw SafetensorsError, quickly', () => {
  const random = rng(20240601);
  let parsed = 0;
  let rejected = 0;
  const start = Date.now();
  for (let i = 0; i < 5000; i++) {
    const input = mutate(seeds[i % seeds.length], random);
    try {
      const { tensors } = parseSafetensors(input, `case-${i}`);
      for (const t of tensors.values())
        assert.equal(
          t.data.length,
          t.shape.reduce((a, b) => a * b, 1),
          `case ${i}`,
        );
      parsed++;
    } catch (e) {
      if (!(e instanceof SafetensorsError))
        assert.fail(`case ${i}: expected SafetensorsError, got ${(e as Error)?.stack ?? String(e)}`);
      assert.match(e.message, new RegExp(`case-${i}`));
      rejected++;
    }
  }
  const seconds = (Date.now() - start) / 1000;
  assert.ok(rejected > 2500, `most mutations must be rejected (rejected ${rejected})`);
  assert.ok(parsed > 50, `some mutations (data-byte flips) must still parse (parsed ${parsed})`);
  assert.ok(seconds < 20, `fuzzing took ${seconds}s: a mutation made the parser slow`);
});
