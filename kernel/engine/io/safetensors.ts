// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header naming every
// tensor's dtype, shape and [begin, end) byte span inside the data section, then the raw little-endian bytes.
import { SafetensorsError } from './safetensorsError';
import { f16BitsToFloat, floatToBf16Bits, floatToF16Bits } from './halfFloat';

export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I8' | 'U8' | 'I32' | 'I64';
export type TensorData = Float32Array | Int32Array | Int8Array | Uint8Array | BigInt64Array;

export interface TensorEntry {
  name: string;
  /** The dtype stored in the file; F16 and BF16 tensors are decoded to a Float32Array. */
  dtype: SafetensorsDType;
  shape: number[];
  data: TensorData;
}

export interface ParsedSafetensors {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

export const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  I8: 1,
  U8: 1,
  I32: 4,
  I64: 8,
};

/** The reference implementation refuses headers above 100 MB; so do we, before allocating anything. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

export function parseSafetensors(input: Uint8Array, source = '<bytes>'): ParsedSafetensors {
  // A plain view: Buffer.slice() would share memory instead of copying.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const fail = (problem: string, tensor?: string): never => {
    throw new SafetensorsError(source, problem, tensor);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} exceeds ${MAX_HEADER_BYTES} bytes`);
  const headerEnd = 8 + Number(headerLength);
  const header = decodeHeaderJson(bytes.subarray(8, headerEnd), fail);
  const dataLength = bytes.length - headerEnd;
  const { entries, metadata } = readHeaderEntries(header, dataLength, fail);

  const tensors = new Map<string, TensorEntry>();
  for (const entry of entries) {
    const raw = bytes.subarray(headerEnd + entry.begin, headerEnd + entry.end);
    tensors.set(entry.name, {
      name: entry.name,
      dtype: entry.dtype,
      shape: entry.shape,
      data: decodeData(entry.dtype, raw),
    });
  }
  return { tensors, metadata };
}

function decodeHeaderJson(headerBytes: Uint8Array, fail: (problem: string) => never): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return fail('header is not a JSON object');
  return header as Record<string, unknown>;
}

function readHeaderEntries(
  header: Record<string, unknown>,
  dataLength: number,
  fail: (problem: string, tensor?: string) => never,
): { entries: HeaderEntry[]; metadata: Record<string, string> } {
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('__metadata__ is not an object');
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (typeof item !== 'string') fail(`__metadata__ value for "${key}" is not a string`);
        metadata[key] = item as string;
      }
      continue;
    }
    entries.push(readHeaderEntry(name, value, dataLength, fail));
  }
  // Every byte of the data section belongs to exactly one tensor, in order.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const entry of byOffset) {
    if (entry.begin < expected)
      fail(
        `data_offsets [${entry.begin}, ${entry.end}] overlap the previous tensor, which ends at ${expected}`,
        entry.name,
      );
    if (entry.begin > expected)
      fail(
        `data_offsets [${entry.begin}, ${entry.end}] leave a gap: bytes ${expected}..${entry.begin} belong to no tensor`,
        entry.name,
      );
    expected = entry.end;
  }
  if (expected !== dataLength)
    fail(`tensors cover ${expected} bytes but the data section has ${dataLength} (truncated or trailing bytes)`);
  return { entries, metadata };
}

function readHeaderEntry(
  name: string,
  value: unknown,
  dataLength: number,
  fail: (problem: string, tensor?: string) => never,
): HeaderEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('header entry is not an object', name);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') fail('dtype is missing or not a string', name);
  if (!Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype as string)) {
    fail(`unsupported dtype "${dtype}" (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`, name);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger))
    fail(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`, name);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    fail(`data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`data_offsets [${begin}, ${end}] end before they begin`, name);
  if (end > dataLength)
    fail(`data_offsets [${begin}, ${end}] run past the ${dataLength}-byte data section (truncated?)`, name);
  const dims = shape as number[];
  const elements = dims.reduce((product, dim) => product * dim, 1);
  const expectedBytes = elements * DTYPE_BYTES[dtype as SafetensorsDType];
  if (expectedBytes !== end - begin) {
    fail(
      `shape [${dims.join(', ')}] of ${dtype} needs ${expectedBytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
      name,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, shape: [...dims], begin, end };
}

let f16Lookup: Float32Array | undefined;
/** All 65536 F16 values as float32, built on first use. */
function f16Table(): Float32Array {
  if (f16Lookup === undefined) {
    f16Lookup = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Lookup[h] = f16BitsToFloat(h);
  }
  return f16Lookup;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Copies the bytes so that the result is aligned and does not alias the file buffer. */
function decodeData(dtype: SafetensorsDType, raw: Uint8Array): TensorData {
  const copy = raw.slice().buffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(copy);
    case 'I32':
      return new Int32Array(copy);
    case 'I8':
      return new Int8Array(copy);
    case 'U8':
      return new Uint8Array(copy);
    case 'I64':
      return new BigInt64Array(copy);
    case 'F16': {
      const halves = new Uint16Array(copy);
      const table = f16Table();
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
      return out;
    }
    case 'BF16': {
      // A bfloat16 is the top half of a float32: shift the bits, no arithmetic (keeps NaN payloads).
      const halves = new Uint16Array(copy);
      const bits = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
      return new Float32Array(bits.buffer);
    }
  }
}

export interface TensorToWrite {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  data: TensorData;
}

const WRITER = '<writer>';

/** Writes tensors sorted by name (data in the same order) with the header padded by spaces to a multiple of 8. */
export function serializeSafetensors(tensors: TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const encoded: Uint8Array[] = [];
  const headerParts: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new SafetensorsError(WRITER, `metadata value for "${key}" is not a string`);
    }
    headerParts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  let previousName: string | undefined;
  for (const tensor of sorted) {
    if (tensor.name === previousName) throw new SafetensorsError(WRITER, 'two tensors have this name', tensor.name);
    if (tensor.name === '' || tensor.name === METADATA_KEY)
      throw new SafetensorsError(WRITER, 'reserved or empty tensor name', tensor.name);
    previousName = tensor.name;
    const bytes = encodeData(tensor);
    encoded.push(bytes);
    const entry = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    headerParts.push(`${JSON.stringify(tensor.name)}:${JSON.stringify(entry)}`);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(`{${headerParts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const bytes of encoded) {
    out.set(bytes, position);
    position += bytes.length;
  }
  return out;
}

function encodeData(tensor: TensorToWrite): Uint8Array {
  const { name, dtype, shape, data } = tensor;
  if (!Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype))
    throw new SafetensorsError(WRITER, `unsupported dtype "${dtype}"`, name);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger))
    throw new SafetensorsError(WRITER, `shape ${JSON.stringify(shape)} is not a list of non-negative integers`, name);
  const elements = shape.reduce((product, dim) => product * dim, 1);
  if (data.length !== elements)
    throw new SafetensorsError(
      WRITER,
      `shape [${shape.join(', ')}] has ${elements} elements but the data has ${data.length}`,
      name,
    );
  const expected =
    dtype === 'F32' || dtype === 'F16' || dtype === 'BF16'
      ? Float32Array
      : dtype === 'I32'
        ? Int32Array
        : dtype === 'I8'
          ? Int8Array
          : dtype === 'U8'
            ? Uint8Array
            : BigInt64Array;
  if (!(data instanceof expected))
    throw new SafetensorsError(WRITER, `dtype ${dtype} needs a ${expected.name}, got ${data.constructor.name}`, name);
  if (dtype === 'F16' || dtype === 'BF16') {
    const halves = new Uint16Array(data.length);
    const convert = dtype === 'F16' ? floatToF16Bits : floatToBf16Bits;
    for (let i = 0; i < data.length; i++) halves[i] = convert((data as Float32Array)[i]);
    return new Uint8Array(halves.buffer);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
