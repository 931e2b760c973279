/**
 * A minimal WebAssembly binary writer: enough to emit a few SIMD kernels as expression trees.
 *
 * Every helper returns the bytes of one instruction sequence that leaves its result on the stack, so code
 * reads like the expression it computes: `set(acc, f32x4.add(get(acc), f32x4.mul(get(x), get(b))))`.
 * Opcodes follow the WebAssembly core spec 2.0 (SIMD proposal merged).
 */
export type Bytes = number[];
export type ValType = 'i32' | 'f32' | 'v128';
export type Param = ValType;

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

export function uleb(value: number): Bytes {
  const out: Bytes = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): Bytes {
  const out: Bytes = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): Bytes {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}

const cat = (...parts: Bytes[]): Bytes => parts.flat();

// ---- locals and constants ----
export const get = (local: number): Bytes => [0x20, ...uleb(local)];
export const set = (local: number, value: Bytes): Bytes => [...value, 0x21, ...uleb(local)];
export const i32c = (v: number): Bytes => [0x41, ...sleb(v)];
export function f32c(v: number): Bytes {
  const b = new Uint8Array(new Float32Array([v]).buffer);
  return [0x43, ...b];
}
export const drop = (value: Bytes): Bytes => [...value, 0x1a];

// ---- i32 ----
const bin =
  (op: number) =>
  (a: Bytes, b: Bytes): Bytes => [...a, ...b, op];
export const i32 = {
  add: bin(0x6a),
  sub: bin(0x6b),
  mul: bin(0x6c),
  and: bin(0x71),
  shl: bin(0x74),
  eq: bin(0x46),
  ne: bin(0x47),
  ltS: bin(0x48),
  gtS: bin(0x4a),
  leS: bin(0x4c),
  geS: bin(0x4e),
  eqz: (a: Bytes): Bytes => [...a, 0x45],
  load: (addr: Bytes, offset = 0): Bytes => [...addr, 0x28, 2, ...uleb(offset)],
};

// ---- f32 ----
export const f32 = {
  add: bin(0x92),
  sub: bin(0x93),
  mul: bin(0x94),
  div: bin(0x95),
  min: bin(0x96),
  max: bin(0x97),
  sqrt: (a: Bytes): Bytes => [...a, 0x91],
  neg: (a: Bytes): Bytes => [...a, 0x8c],
  gt: bin(0x5e),
  lt: bin(0x5d),
  abs: (a: Bytes): Bytes => [...a, 0x8b],
  /** cond ? yes : no, both evaluated. */
  select: (yes: Bytes, no: Bytes, cond: Bytes): Bytes => [...yes, ...no, ...cond, 0x1b],
  load: (addr: Bytes, offset = 0): Bytes => [...addr, 0x2a, 2, ...uleb(offset)],
  store: (addr: Bytes, value: Bytes, offset = 0): Bytes => [...addr, ...value, 0x38, 2, ...uleb(offset)],
  fromI32: (a: Bytes): Bytes => [...a, 0xb2],
};

// ---- f32x4 / v128 ----
const simd = (op: number): Bytes => [0xfd, ...uleb(op)];
const vbin =
  (op: number) =>
  (a: Bytes, b: Bytes): Bytes => [...a, ...b, ...simd(op)];
export const f32x4 = {
  add: vbin(228),
  sub: vbin(229),
  mul: vbin(230),
  div: vbin(231),
  max: vbin(233),
  min: vbin(232),
  lt: vbin(67),
  abs: (a: Bytes): Bytes => [...a, ...simd(224)],
  /** Lane-wise mask ? yes : no (v128.bitselect). */
  bitselect: (yes: Bytes, no: Bytes, mask: Bytes): Bytes => [...yes, ...no, ...mask, ...simd(82)],
  sqrt: (a: Bytes): Bytes => [...a, ...simd(227)],
  splat: (a: Bytes): Bytes => [...a, ...simd(19)],
  extractLane: (v: Bytes, lane: number): Bytes => [...v, ...simd(31), lane],
  load: (addr: Bytes, offset = 0): Bytes => [...addr, ...simd(0), 4, ...uleb(offset)],
  store: (addr: Bytes, value: Bytes, offset = 0): Bytes => [...addr, ...value, ...simd(11), 4, ...uleb(offset)],
};
/** Loads one f32 and copies it into all four lanes (v128.load32_splat). */
export const loadSplat = (addr: Bytes, offset = 0): Bytes => [...addr, ...simd(9), 2, ...uleb(offset)];

// ---- control ----
export const block = (...body: Bytes[]): Bytes => [0x02, 0x40, ...cat(...body), 0x0b];
export const loop = (...body: Bytes[]): Bytes => [0x03, 0x40, ...cat(...body), 0x0b];
export const brIf = (depth: number, cond: Bytes): Bytes => [...cond, 0x0d, ...uleb(depth)];
export const br = (depth: number): Bytes => [0x0c, ...uleb(depth)];
export const ifThen = (cond: Bytes, then: Bytes[], otherwise?: Bytes[]): Bytes =>
  otherwise
    ? [...cond, 0x04, 0x40, ...cat(...then), 0x05, ...cat(...otherwise), 0x0b]
    : [...cond, 0x04, 0x40, ...cat(...then), 0x0b];
/** cond ? yes : no, evaluating only the branch taken. */
export const ifValue = (type: ValType, cond: Bytes, yes: Bytes, no: Bytes): Bytes => [
  ...cond,
  0x04,
  VALTYPE[type],
  ...yes,
  0x05,
  ...no,
  0x0b,
];

/** for (local = from; local < to; local += step) body — `to` is evaluated every iteration. */
export function forRange(local: number, from: Bytes, to: Bytes, step: number, ...body: Bytes[]): Bytes {
  return cat(
    set(local, from),
    block(loop(brIf(1, i32.geS(get(local), to)), ...body, set(local, i32.add(get(local), i32c(step))), br(0))),
  );
}

/** A function under construction: parameters are locals 0..n-1, `local()` adds more. */
export class FunctionBuilder {
  private readonly extra: ValType[] = [];
  private body: Bytes = [];
  constructor(
    readonly exportName: string,
    readonly params: ValType[],
  ) {}

  local(type: ValType): number {
    this.extra.push(type);
    return this.params.length + this.extra.length - 1;
  }

  emit(...code: Bytes[]): void {
    this.body = this.body.concat(cat(...code));
  }

  encodeBody(): Bytes {
    const locals = vec(this.extra.map((t) => [1, VALTYPE[t]]));
    const code = [...locals, ...this.body, 0x0b];
    return [...uleb(code.length), ...code];
  }
}

/**
 * A module importing one memory as env.memory (shared when the host memory is, as in the threaded build)
 * and exporting the given functions, all returning nothing.
 */
export function encodeModule(functions: FunctionBuilder[], sharedMemory: boolean): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [VALTYPE[p]])), 0]);
  const memoryLimits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.encodeBody()))),
  ];
  return new Uint8Array(bytes);
}
