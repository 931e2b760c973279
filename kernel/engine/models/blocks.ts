/**
 * Building blocks shared by the architectures: a module tree whose paths mirror Hugging Face parameter names,
 * linear / embedding / layer-norm layers over those parameters, and batched multi-head attention.
 * Every function here is called inside the model's `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
// models are differentiable w.r.t. their variables wherever they are used, not only after backend.ts loads
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Init, ParamOptions, ParamStore } from './params';
import { fusedLayerNorm } from '../backends/native/fusedLayerNorm';

/** Forward-pass switches threaded through every block. */
export interface ForwardContext {
  training: boolean;
}

/** A node of the module tree; `path` is the Hugging Face module name (`transformer.h.0.attn`). */
export class Module {
  protected readonly modules: Module[] = [];
  protected readonly own: tf.Variable[] = [];

  constructor(
    readonly path: string,
    readonly kind: string,
  ) {}

  children(): readonly Module[] {
    return this.modules;
  }

  /** Variables this module owns directly (not its children's). */
  ownParams(): readonly tf.Variable[] {
    return this.own;
  }

  protected add<M extends Module>(child: M): M {
    this.modules.push(child);
    return child;
  }

  protected param(store: ParamStore, leaf: string, shape: number[], init: Init, opts: ParamOptions = {}): tf.Variable {
    const v = store.param(join(this.path, leaf), shape, init, opts);
    this.own.push(v);
    return v;
  }
}

export function join(path: string, name: string | number): string {
  return path ? `${path}.${name}` : String(name);
}

/** A list container (`transformer.h`, `bert.encoder.layer`) so the tree has the same levels as Hugging Face's. */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];
  constructor(path: string, count: number, make: (path: string, index: number) => M) {
    super(path, 'ModuleList');
    this.items = Array.from({ length: count }, (_, i) => this.add(make(join(path, i), i)));
  }
}

/**
 * A dense layer over Hugging Face-shaped weights: `nn.Linear` stores `weight` as `[out, in]` (layout 'out_in'),
 * GPT-2's `Conv1D` as `[in, out]` (layout 'in_out'). Kept as stored so loading and saving are a key mapping.
 * `forward` may be replaced on an instance (e.g. by an adapter) — the architectures only call `forward`.
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;

  constructor(
    store: ParamStore,
    path: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly layout: 'out_in' | 'in_out',
    opts: { bias?: boolean; std: number; head?: boolean },
  ) {
    super(path, layout === 'in_out' ? 'Conv1D' : 'Linear');
    const shape = layout === 'in_out' ? [inFeatures, outFeatures] : [outFeatures, inFeatures];
    const head = { head: opts.head };
    this.weight = this.param(store, 'weight', shape, { kind: 'normal', std: opts.std }, head);
    if (opts.bias ?? true) this.bias = this.param(store, 'bias', [outFeatures], { kind: 'zeros' }, head);
  }

  /** [..., in] → [..., out] */
  forward(x: tf.Tensor): tf.Tensor {
    return dense(x, this.weight, this.bias, this.layout === 'out_in');
  }
}

/**
 * x [..., in] times a 2-D weight as one 2-D matmul plus bias. `transposeW` for `[out, in]` weights. (Not
 * tf.fused.matMul: tfjs-backend-wasm 4.22's _FusedMatMul gives wrong results with transposeB and a bias.)
 */
export function dense(x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor | undefined, transposeW: boolean): tf.Tensor {
  const inF = x.shape[x.shape.length - 1];
  const outF = (transposeW ? w.shape[0] : w.shape[1]) as number;
  const lead = x.shape.slice(0, -1);
  const x2 = tf.reshape(x, [-1, inF]); // [N, in]
  const product = tf.matMul(x2, w, false, transposeW); // [N, out]
  const y = bias ? tf.add(product, bias) : product;
  return tf.reshape(y, [...lead, outF]);
}

/** `nn.Embedding`: a `[num, dim]` table looked up by int32 ids. */
export class Embedding extends Module {
  readonly weight: tf.Variable;
  constructor(store: ParamStore, path: string, num: number, dim: number, init: Init, opts: ParamOptions = {}) {
    super(path, 'Embedding');
    this.weight = this.param(store, 'weight', [num, dim], init, opts);
  }

  /** ids [...] int32 → [..., dim] */
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.gather(this.weight, ids);
  }
}

/** `nn.LayerNorm` over the last axis with the config's epsilon (biased variance, as PyTorch). */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    store: ParamStore,
    path: string,
    dim: number,
    readonly eps: number,
  ) {
    super(path, 'LayerNorm');
    this.weight = this.param(store, 'weight', [dim], { kind: 'ones' });
    this.bias = this.param(store, 'bias', [dim], { kind: 'zeros' });
  }

  /** [..., C] → [..., C] */
  forward(x: tf.Tensor): tf.Tensor {
    const native = fusedLayerNorm(x, this.weight, this.bias, this.eps); // one kernel each way on the native backend
    if (native) return native;
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normed, this.weight), this.bias);
  }
}

export function dropout(x: tf.Tensor, rate: number | undefined, ctx: ForwardContext): tf.Tensor {
  return ctx.training && rate && rate > 0 ? tf.dropout(x, rate) : x;
}

/** hidden [B, T, C] → the first token's state [B, C] (BERT's [CLS], ViT's class token), or the one at `position` */
export function firstToken(x: tf.Tensor, position = 0): tf.Tensor2D {
  return tf.squeeze(tf.slice(x, [0, position, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
}

/** [B, T, C] → [B, H, T, D] */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [B, T, C] = x.shape;
  return tf.transpose(tf.reshape(x, [B, T, heads, C / heads]), [0, 2, 1, 3]) as tf.Tensor4D;
}

/** [B, H, T, D] → [B, T, C] */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [B, H, T, D] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [B, T, H * D]) as tf.Tensor3D;
}

/**
 * Added to masked attention scores. Far below any real score, so a masked key gets probability exactly 0; and so
 * large that score + MASKED_SCORE rounds to MASKED_SCORE, so a query with no visible key (a left-padded position
 * of a causal LM) attends uniformly to all keys, as Hugging Face's eager attention does with its combined mask.
 */
export const MASKED_SCORE = -1e30;

/**
 * Scaled dot-product attention for all heads at once.
 * q [B, H, Tq, D], k/v [B, H, Tk, D], bias additive and broadcastable to [B, H, Tq, Tk] → [B, H, Tq, D].
 */
export function attention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  scale: number,
  bias: tf.Tensor | undefined,
  dropoutRate: number | undefined,
  ctx: ForwardContext,
): tf.Tensor4D {
  // scaling q ([.., Tq, D]) is cheaper than scaling the scores ([.., Tq, Tk]) and equal up to rounding
  let scores = tf.matMul(scale === 1 ? q : tf.mul(q, scale), k, false, true); // [B, H, Tq, Tk]
  if (bias) scores = tf.add(scores, bias);
  const probs = dropout(tf.softmax(scores, -1), dropoutRate, ctx);
  return tf.matMul(probs, v) as tf.Tensor4D; // [B, H, Tq, D]
}

/** The three `[out, in]` projections of an encoder's self-attention (BERT `query`, DistilBERT `q_lin`, ...). */
export interface QkvProjections {
  q: Linear;
  k: Linear;
  v: Linear;
}

/** Bidirectional multi-head self-attention: x [B, T, C] → merged heads [B, T, C] (before the output projection). */
export function selfAttention(
  x: tf.Tensor,
  proj: QkvProjections,
  heads: number,
  bias: tf.Tensor | undefined,
  dropoutRate: number,
  ctx: ForwardContext,
): tf.Tensor3D {
  const q = splitHeads(proj.q.forward(x), heads); // [B, H, T, D]
  const k = splitHeads(proj.k.forward(x), heads);
  const v = splitHeads(proj.v.forward(x), heads);
  const headDim = x.shape[x.shape.length - 1] / heads;
  return mergeHeads(attention(q, k, v, 1 / Math.sqrt(headDim), bias, dropoutRate, ctx)); // [B, T, C]
}

/** Additive bias from a boolean "may attend" tensor: 0 where allowed, MASKED_SCORE elsewhere. */
function biasFrom(allowed: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sub(1, tf.cast(allowed, 'float32')), MASKED_SCORE);
}

/** attention_mask [B, Tk] (1 keep, 0 pad) → additive bias [B, 1, 1, Tk]. */
export function paddingBias(mask: tf.Tensor2D): tf.Tensor4D {
  const [B, Tk] = mask.shape;
  return tf.reshape(biasFrom(tf.greater(mask, 0)), [B, 1, 1, Tk]) as tf.Tensor4D;
}

/**
 * Causal (+ padding) bias for queries at positions past..past+Tq-1 over keys 0..Tk-1: [1, 1, Tq, Tk], or
 * [B, 1, Tq, Tk] with an attention mask [B, Tk]. The two masks are combined before becoming a bias so a fully
 * masked row stays uniform (see MASKED_SCORE).
 */
export function causalBias(tq: number, tk: number, past: number, mask?: tf.Tensor2D): tf.Tensor4D {
  const rows = tf.reshape(tf.range(past, past + tq, 1, 'int32'), [1, 1, tq, 1]);
  const cols = tf.reshape(tf.range(0, tk, 1, 'int32'), [1, 1, 1, tk]);
  let allowed = tf.lessEqual(cols, rows); // [1, 1, Tq, Tk]
  if (mask) allowed = tf.logicalAnd(allowed, tf.reshape(tf.greater(mask, 0), [mask.shape[0], 1, 1, tk])); // [B, 1, Tq, Tk]
  return biasFrom(allowed) as tf.Tensor4D;
}
