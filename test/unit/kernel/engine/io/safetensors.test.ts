import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseSafetensors,
  serializeSafetensors,
  type SafetensorsDType,
  type TensorToWrite,
} from '../../../../../kernel/engine/io/safetensors';
import { SafetensorsError } from '../../../../../kernel/engine/io/safetensorsError';

// Golden data: scripts/make_io_fixtures.py writes the file by hand from the spec (numpy F16, torch BF16 rounding).
const FIXTURES = join(__dirname, '../../../../fixtures/io');
const goldenBytes = new Uint8Array(readFileSync(join(FIXTURES, 'golden.safetensors')));
interface GoldenTensor {
  dtype: SafetensorsDType;
  shape: number[];
  input_f32_bits?: string[];
  decoded_f32_bits?: string[];
  stored_bits?: string[];
  values?: Array<number | string>;
}
const golden = JSON.parse(readFileSync(join(FIXTURES, 'golden.json'), 'utf8')) as {
  metadata: Record<string, string>;
  tensors: Record<string, GoldenTensor>;
};

function floatsFromBits(bits: string[]): Float32Array {
  return new Float32Array(new Uint32Array(bits.map((b) => parseInt(b, 16))).buffer);
}
function bitsOf(values: Float32Array): string[] {
  return Array.from(new Uint32Array(values.slice().buffer), (v) => v.toString(16).padStart(8, '0'));
}
function goldenInputs(): TensorToWrite[] {
  return Object.entries(golden.tensors).map(([name, t]) => {
    const data =
      t.input_f32_bits !== undefined
        ? floatsFromBits(t.input_f32_bits)
        : t.dtype === 'I8'
          ? Int8Array.from(t.values as number[])
          : t.dtype === 'U8'
            ? Uint8Array.from(t.values as number[])
            : t.dtype === 'I32'
              ? Int32Array.from(t.values as number[])
              : BigInt64Array.from((t.values as string[]).map((v) => BigInt(v)));
    return { name, dtype: t.dtype, shape: t.shape, data };
  });
}

test('reads every dtype of the Python-written golden file bit for bit', () => {
  const { tensors, metadata } = parseSafetensors(goldenBytes, 'golden.safetensors');
  assert.deepEqual(metadata, golden.metadata);
  assert.deepEqual([...tensors.keys()].sort(), Object.keys(golden.tensors).sort());
  for (const [name, expected] of Object.entries(golden.tensors)) {
    const actual = tensors.get(name)!;
    assert.equal(actual.dtype, expected.dtype, name);
    assert.deepEqual(actual.shape, expected.shape, name);
    if (expected.decoded_f32_bits !== undefined) {
      assert.ok(actual.data instanceof Float32Array, name);
      assert.deepEqual(bitsOf(actual.data as Float32Array), expected.decoded_f32_bits, name);
    } else if (expected.dtype === 'I64') {
      assert.ok(actual.data instanceof BigInt64Array);
      assert.deepEqual(Array.from(actual.data as BigInt64Array, String), expected.values);
    } else {
      assert.deepEqual(Array.from(actual.data as Int32Array), expected.values, name);
    }
  }
});

test('the writer reproduces the Python-written bytes exactly, F16/BF16 rounding included', () => {
  const written = serializeSafetensors(goldenInputs(), golden.metadata);
  assert.equal(written.length, goldenBytes.length);
  assert.deepEqual(Buffer.from(written), Buffer.from(goldenBytes));
});

test('the writer rounds F16 and BF16 like numpy and torch (stored bits)', () => {
  for (const name of ['h.0.f16', 'h.0.bf16']) {
    const t = golden.tensors[name];
    const bytes = serializeSafetensors([
      { name, dtype: t.dtype, shape: t.shape, data: floatsFromBits(t.input_f32_bits!) },
    ]);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const halves = new Uint16Array(bytes.slice(8 + headerLength).buffer);
    assert.deepEqual(
      Array.from(halves, (h) => h.toString(16).padStart(4, '0')),
      t.stored_bits,
      name,
    );
  }
});

test('header is sorted, space padded to a multiple of 8 and round-trips', () => {
  const tensors: TensorToWrite[] = [
    { name: 'b', dtype: 'F32', shape: [3], data: new Float32Array([1, 2, 3]) },
    { name: '10', dtype: 'U8', shape: [1], data: new Uint8Array([9]) },
    { name: 'a', dtype: 'I32', shape: [1, 2], data: new Int32Array([-4, 5]) },
  ];
  const bytes = serializeSafetensors(tensors);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLength % 8, 0);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  assert.match(header, /^\{"10":.*"a":.*"b":.*\} *$/);
  const back = parseSafetensors(bytes).tensors;
  assert.deepEqual(Array.from(back.get('b')!.data as Float32Array), [1, 2, 3]);
  assert.deepEqual(Array.from(back.get('a')!.data as Int32Array), [-4, 5]);
  assert.deepEqual(back.get('a')!.shape, [1, 2]);
  assert.deepEqual(Array.from(back.get('10')!.data as Uint8Array), [9]);
});

test('a tensor at an unaligned offset is read correctly', () => {
  const bytes = serializeSafetensors([
    { name: 'a', dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
    { name: 'b', dtype: 'F32', shape: [2], data: new Float32Array([0.5, -7]) },
  ]);
  const framed = new Uint8Array(bytes.length + 1);
  framed.set(bytes, 1);
  assert.deepEqual(Array.from(parseSafetensors(framed.subarray(1)).tensors.get('b')!.data as Float32Array), [0.5, -7]);
});

/** Builds a file from a raw header object and a data section, bypassing the writer's checks. */
function rawFile(header: object, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function assertError(bytes: Uint8Array, pattern: RegExp, tensor?: string): void {
  assert.throws(
    () => parseSafetensors(bytes, 'model.safetensors'),
    (e: unknown) => {
      assert.ok(e instanceof SafetensorsError, `expected SafetensorsError, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.match(e.message, /model\.safetensors/);
      assert.equal(e.file, 'model.safetensors');
      assert.equal(e.tensor, tensor);
      return true;
    },
  );
}

test('each broken file gets its own specific error naming file and tensor', () => {
  const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  assertError(new Uint8Array(5), /5 bytes, shorter than the 8-byte header length/);
  assertError(rawFile({ w: ok }, 8).subarray(0, 20), /runs past the end/);
  assertError(rawFile({ w: ok }, 4), /data_offsets \[0, 8\] run past the 4-byte data section/, 'w');
  assertError(rawFile({ w: ok }, 12), /cover 8 bytes but the data section has 12/);
  assertError(rawFile({ w: { ...ok, dtype: 'F64' } }, 8), /unsupported dtype "F64"/, 'w');
  assertError(
    rawFile({ w: { ...ok, shape: [3] } }, 8),
    /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] span 8/,
    'w',
  );
  assertError(rawFile({ w: { ...ok, shape: [-1] } }, 8), /shape \[-1\] is not a list of non-negative integers/, 'w');
  assertError(rawFile({ w: { ...ok, data_offsets: [8, 0] } }, 8), /end before they begin/, 'w');
  assertError(rawFile({ w: { ...ok, data_offsets: [0] } }, 8), /is not a pair/, 'w');
  assertError(
    rawFile({ w: ok, v: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8),
    /overlap the previous tensor, which ends at 8/,
    'v',
  );
  assertError(rawFile({ w: { ...ok, shape: [1], data_offsets: [4, 8] } }, 8), /leave a gap: bytes 0\.\.4/, 'w');
  assertError(rawFile({ w: 'x' }, 0), /header entry is not an object/, 'w');
  assertError(rawFile({ __metadata__: { a: 1 } }, 0), /__metadata__ value for "a" is not a string/);
  assertError(rawFile([1, 2], 0), /header is not a JSON object/);
  const notJson = rawFile({ w: ok }, 8);
  notJson[8] = 0x78;
  assertError(notJson, /header is not valid JSON/);
  const notUtf8 = rawFile({ w: ok }, 8);
  notUtf8[10] = 0xff;
  assertError(notUtf8, /not valid UTF-8/);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  assertError(huge, /header length 9223372036854775808 runs past the end/);
});

test('the writer refuses inconsistent tensors with the tensor named', () => {
  const write = (t: Partial<TensorToWrite>) => () =>
    serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array(2), ...t } as TensorToWrite]);
  assert.throws(
    write({ shape: [3] }),
    (e: unknown) =>
      e instanceof SafetensorsError && e.tensor === 'w' && /3 elements but the data has 2/.test(e.message),
  );
  assert.throws(write({ dtype: 'I32' }), /dtype I32 needs a Int32Array, got Float32Array/);
  assert.throws(write({ dtype: 'F64' as SafetensorsDType }), /unsupported dtype "F64"/);
  assert.throws(
    () =>
      serializeSafetensors([
        { name: 'a', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
        { name: 'a', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
      ]),
    /two tensors have this name/,
  );
});
