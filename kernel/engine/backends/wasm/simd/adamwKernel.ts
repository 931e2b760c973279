/**
 * Emits `adamw(p, m, v, g, outP, outM, outV, n, keep, w1, beta2, w2, stepSize, bc2Sqrt, eps)`: one AdamW
 * update over n floats, 4 lanes at a time, in PyTorch's order of operations (see kernels/adamwKernel.ts):
 *   m' = m + w1·(g − m);  v' = β2·v + w2·g²;  p' = p·keep − stepSize·m' / (√v' / bc2Sqrt + ε)
 */
import { f32, f32x4, forRange, FunctionBuilder, get, i32, i32c, set, type Bytes } from './wasmEncoder';

export function buildAdamW(): FunctionBuilder {
  const f = new FunctionBuilder('adamw', [
    'i32',
    'i32',
    'i32',
    'i32',
    'i32',
    'i32',
    'i32',
    'i32',
    'f32',
    'f32',
    'f32',
    'f32',
    'f32',
    'f32',
    'f32',
  ]);
  const [p, m, v, g, outP, outM, outV, n, keep, w1, beta2, w2, stepSize, bc2Sqrt, eps] = f.params.map((_, i) => i);
  const i = f.local('i32');
  const n4 = f.local('i32');
  const at = (base: number): Bytes => i32.add(get(base), i32.shl(get(i), i32c(2)));

  const update = (vector: boolean): Bytes[] => {
    const ops = vector ? f32x4 : f32;
    const load = vector ? f32x4.load : f32.load;
    const store = vector ? f32x4.store : f32.store;
    const c = (param: number): Bytes => (vector ? f32x4.splat(get(param)) : get(param));
    const [gi, mi, vi] = vector
      ? [f.local('v128'), f.local('v128'), f.local('v128')]
      : [f.local('f32'), f.local('f32'), f.local('f32')];
    return [
      set(gi, load(at(g))),
      set(mi, load(at(m))),
      set(mi, ops.add(get(mi), ops.mul(c(w1), ops.sub(get(gi), get(mi))))),
      set(vi, ops.add(ops.mul(c(beta2), load(at(v))), ops.mul(ops.mul(c(w2), get(gi)), get(gi)))),
      store(at(outM), get(mi)),
      store(at(outV), get(vi)),
      store(
        at(outP),
        ops.sub(
          ops.mul(load(at(p)), c(keep)),
          ops.div(
            ops.mul(c(stepSize), get(mi)),
            ops.add(ops.div(vector ? f32x4.sqrt(get(vi)) : f32.sqrt(get(vi)), c(bc2Sqrt)), c(eps)),
          ),
        ),
      ),
    ];
  };
  f.emit(
    set(n4, i32.and(get(n), i32c(-4))),
    forRange(i, i32c(0), get(n4), 4, ...update(true)),
    forRange(i, get(n4), get(n), 1, ...update(false)),
  );
  return f;
}
