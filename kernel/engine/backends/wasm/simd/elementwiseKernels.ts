/**
 * Emits element-wise SIMD kernels over rows of f32 (4 lanes at a time, scalar tail):
 *  - add/sub/mul/div(out, a, aStep, b, bStep, n): out[i] = a[i·aStep] op b[i·bStep], steps 0 (broadcast one
 *    value) or 1 — the inner loop of a broadcasting binary op;
 *  - tanh(out, x, n): rational approximation x·P(x²)/Q(x²) on [-7.9053, 7.9053] (saturated outside), within
 *    2 ulp of tanh; |x| < 4e-4 returns x;
 *  - cube(out, x, n): x·x·x (what pow(x, 3) costs with a multiply instead of powf).
 */
import { f32, f32c, f32x4, forRange, FunctionBuilder, get, i32, i32c, ifThen, set, type Bytes } from './wasmEncoder';

type VecOp = (a: Bytes, b: Bytes) => Bytes;

const at = (base: number, index: number): Bytes => i32.add(get(base), i32.shl(get(index), i32c(2)));

/** One binary op with the three step patterns (vector·vector, vector·scalar, scalar·vector). */
export function buildBinary(name: string, vec: VecOp, scalar: VecOp): FunctionBuilder {
  const f = new FunctionBuilder(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [out, a, aStep, b, bStep, n] = [0, 1, 2, 3, 4, 5];
  const i = f.local('i32');
  const n4 = f.local('i32');
  const splat = f.local('v128');
  const scalarTail = (aIndex: Bytes, bIndex: Bytes): Bytes =>
    forRange(i, get(n4), get(n), 1, f32.store(at(out, i), scalar(f32.load(aIndex), f32.load(bIndex))));
  f.emit(
    set(n4, i32.and(get(n), i32c(-4))),
    ifThen(
      i32.and(get(aStep), get(bStep)),
      [
        forRange(i, i32c(0), get(n4), 4, f32x4.store(at(out, i), vec(f32x4.load(at(a, i)), f32x4.load(at(b, i))))),
        scalarTail(at(a, i), at(b, i)),
      ],
      [
        ifThen(
          get(aStep),
          [
            set(splat, f32x4.splat(f32.load(get(b)))),
            forRange(i, i32c(0), get(n4), 4, f32x4.store(at(out, i), vec(f32x4.load(at(a, i)), get(splat)))),
            scalarTail(at(a, i), get(b)),
          ],
          [
            set(splat, f32x4.splat(f32.load(get(a)))),
            forRange(i, i32c(0), get(n4), 4, f32x4.store(at(out, i), vec(get(splat), f32x4.load(at(b, i))))),
            scalarTail(get(a), at(b, i)),
          ],
        ),
      ],
    ),
  );
  return f;
}

export function buildBinaryKernels(): FunctionBuilder[] {
  return [
    buildBinary('add', f32x4.add, f32.add),
    buildBinary('sub', f32x4.sub, f32.sub),
    buildBinary('mul', f32x4.mul, f32.mul),
    buildBinary('div', f32x4.div, f32.div),
  ];
}

const TANH_CLAMP = 7.90531110763549805;
const TANH_TINY = 0.0004;
/** Odd numerator x·(α1 + α3x² + … + α13x¹²) and even denominator β0 + β2x² + β4x⁴ + β6x⁶ (Eigen's fit). */
const ALPHA = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11,
  2.00018790482477e-13, -2.76076847742355e-16,
];
const BETA = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

/** A unary map over n floats with a vector body and the same body for the scalar tail. */
function buildUnary(name: string, body: (f: FunctionBuilder, x: Bytes, vector: boolean) => Bytes): FunctionBuilder {
  const f = new FunctionBuilder(name, ['i32', 'i32', 'i32']);
  const [out, x, n] = [0, 1, 2];
  const i = f.local('i32');
  const n4 = f.local('i32');
  f.emit(
    set(n4, i32.and(get(n), i32c(-4))),
    forRange(i, i32c(0), get(n4), 4, f32x4.store(at(out, i), body(f, f32x4.load(at(x, i)), true))),
    forRange(i, get(n4), get(n), 1, f32.store(at(out, i), body(f, f32.load(at(x, i)), false))),
  );
  return f;
}

function polynomial(coefficients: number[], x2: Bytes, vector: boolean): Bytes {
  const ops = vector ? f32x4 : f32;
  const c = (v: number): Bytes => (vector ? f32x4.splat(f32c(v)) : f32c(v));
  let acc = c(coefficients[coefficients.length - 1]);
  for (let k = coefficients.length - 2; k >= 0; k--) acc = ops.add(ops.mul(acc, x2), c(coefficients[k]));
  return acc;
}

export function buildTanh(): FunctionBuilder {
  const locals = new WeakMap<FunctionBuilder, { v: number[]; s: number[] }>();
  return buildUnary('tanh', (f, x, vector) => {
    if (!locals.has(f))
      locals.set(f, {
        v: [f.local('v128'), f.local('v128'), f.local('v128')],
        s: [f.local('f32'), f.local('f32'), f.local('f32')],
      });
    const [raw, clamped, sq] = vector ? locals.get(f)!.v : locals.get(f)!.s;
    const ops = vector ? f32x4 : f32;
    const c = (v: number): Bytes => (vector ? f32x4.splat(f32c(v)) : f32c(v));
    const ratio = ops.div(ops.mul(get(clamped), polynomial(ALPHA, get(sq), vector)), polynomial(BETA, get(sq), vector));
    const tiny = vector ? f32x4.lt(f32x4.abs(get(raw)), c(TANH_TINY)) : f32.lt(f32.abs(get(raw)), c(TANH_TINY));
    return [
      ...set(raw, x),
      ...set(clamped, ops.max(ops.min(get(raw), c(TANH_CLAMP)), c(-TANH_CLAMP))),
      ...set(sq, ops.mul(get(clamped), get(clamped))),
      ...(vector ? f32x4.bitselect(get(raw), ratio, tiny) : f32.select(get(raw), ratio, tiny)),
    ];
  });
}

export function buildCube(): FunctionBuilder {
  const locals = new WeakMap<FunctionBuilder, { v: number; s: number }>();
  return buildUnary('cube', (f, x, vector) => {
    if (!locals.has(f)) locals.set(f, { v: f.local('v128'), s: f.local('f32') });
    const t = vector ? locals.get(f)!.v : locals.get(f)!.s;
    const ops = vector ? f32x4 : f32;
    return [...set(t, x), ...ops.mul(ops.mul(get(t), get(t)), get(t))];
  });
}
