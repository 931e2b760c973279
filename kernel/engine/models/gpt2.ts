/**
 * GPT-2 (Hugging Face `GPT2Model` / `GPT2LMHeadModel`), read top to bottom:
 * token + position embeddings → n_layer pre-LN blocks (fused-QKV causal self-attention, MLP) → ln_f → tied LM head.
 * Weights keep the checkpoint's layout: `Conv1D` weights are [in, out]; the head reuses `wte` unless
 * `tie_word_embeddings` is false (then `lm_head.weight` [vocab, n_embd]).
 * Positions: `0..T-1` (plus the cached length) unless position ids are given — also with an attention mask, as
 * HF's forward does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activation, type Activation } from './activations';
import {
  attention,
  causalBias,
  dense,
  dropout,
  Embedding,
  type ForwardContext,
  join,
  LayerNorm,
  Linear,
  mergeHeads,
  Module,
  ModuleList,
  splitHeads,
} from './blocks';
import type { ConfigReader } from './configReader';
import { ModelConfigError } from './modelConfigError';
import { ModelInputError } from './modelInputError';
import type { Batch, CausalLm, KeyValue, Network } from './network';
import type { ParamStore } from './params';

export const GPT2_ARCHITECTURES = ['GPT2LMHeadModel', 'GPT2Model'] as const;
export const GPT2_BASE_PREFIX = 'transformer';

/** `GPT2Config` defaults. */
export const GPT2_DEFAULTS = {
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  n_inner: null,
  activation_function: 'gelu_new',
  resid_pdrop: 0.1,
  embd_pdrop: 0.1,
  attn_pdrop: 0.1,
  layer_norm_epsilon: 1e-5,
  initializer_range: 0.02,
  scale_attn_weights: true,
  scale_attn_by_inverse_layer_idx: false,
  reorder_and_upcast_attn: false,
  use_cache: true,
  bos_token_id: 50256,
  eos_token_id: 50256,
};

export interface Gpt2Config {
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nInner: number;
  act: Activation;
  eps: number;
  initializerRange: number;
  tieWordEmbeddings: boolean;
  scaleAttnWeights: boolean;
  scaleByInverseLayerIdx: boolean;
  residPdrop: number;
  embdPdrop: number;
  attnPdrop: number;
  eosTokenIds: number[];
}

export function readGpt2Config(r: ConfigReader): Gpt2Config {
  r.require('add_cross_attention', [false], 'cross-attention GPT-2 is an encoder-decoder part');
  const nEmbd = r.positiveInt('n_embd', 'hidden_size');
  const nHead = r.positiveInt('n_head', 'num_attention_heads');
  r.divisible(nEmbd, nHead, 'n_embd / n_head');
  return {
    vocabSize: r.positiveInt('vocab_size'),
    nPositions: r.positiveInt('n_positions', 'max_position_embeddings', 'n_ctx'),
    nEmbd,
    nLayer: r.positiveInt('n_layer', 'num_hidden_layers'),
    nHead,
    nInner: r.optionalInt('n_inner') ?? 4 * nEmbd,
    act: activation(r.full.activation_function, 'activation_function'),
    eps: r.number('layer_norm_epsilon', 'layer_norm_eps'),
    initializerRange: r.number('initializer_range'),
    tieWordEmbeddings: r.full.tie_word_embeddings !== false,
    scaleAttnWeights: r.bool('scale_attn_weights'),
    scaleByInverseLayerIdx: r.bool('scale_attn_by_inverse_layer_idx'),
    residPdrop: r.rate('resid_pdrop'),
    embdPdrop: r.rate('embd_pdrop'),
    attnPdrop: r.rate('attn_pdrop'),
    eosTokenIds: r.optionalTokenIds('eos_token_id'),
  };
}

// ---------------------------------------------------------------------------------------------------------------

class GPT2Attention extends Module {
  readonly c_attn: Linear;
  readonly c_proj: Linear;
  private readonly scale: number;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: Gpt2Config,
    layerIdx: number,
  ) {
    super(path, 'GPT2Attention');
    const C = cfg.nEmbd;
    const std = cfg.initializerRange;
    this.c_attn = this.add(new Linear(store, join(path, 'c_attn'), C, 3 * C, 'in_out', { std }));
    // HF scales residual projections' init by 1/sqrt(2 * n_layer)
    const projStd = std / Math.sqrt(2 * cfg.nLayer);
    this.c_proj = this.add(new Linear(store, join(path, 'c_proj'), C, C, 'in_out', { std: projStd }));
    const headDim = C / cfg.nHead;
    this.scale = (cfg.scaleAttnWeights ? 1 / Math.sqrt(headDim) : 1) / (cfg.scaleByInverseLayerIdx ? layerIdx + 1 : 1);
  }

  /** x [B, T, C], bias [B|1, 1, T, P+T], past [B, H, P, D] → y [B, T, C], present [B, H, P+T, D] */
  forward(x: tf.Tensor, bias: tf.Tensor | undefined, past: KeyValue | undefined, ctx: ForwardContext) {
    const qkv = this.c_attn.forward(x); // [B, T, 3C]
    const [q0, k0, v0] = tf.split(qkv, 3, -1); // 3 × [B, T, C]
    const q = splitHeads(q0, this.cfg.nHead); // [B, H, T, D]
    let k = splitHeads(k0, this.cfg.nHead);
    let v = splitHeads(v0, this.cfg.nHead);
    if (past) {
      k = tf.concat([past.k, k], 2); // [B, H, P+T, D]
      v = tf.concat([past.v, v], 2);
    }
    const y = attention(q, k, v, this.scale, bias, this.cfg.attnPdrop, ctx); // [B, H, T, D]
    const out = dropout(this.c_proj.forward(mergeHeads(y)), this.cfg.residPdrop, ctx); // [B, T, C]
    return { y: out, present: { k, v } };
  }
}

class GPT2MLP extends Module {
  readonly c_fc: Linear;
  readonly c_proj: Linear;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: Gpt2Config,
  ) {
    super(path, 'GPT2MLP');
    const std = cfg.initializerRange;
    this.c_fc = this.add(new Linear(store, join(path, 'c_fc'), cfg.nEmbd, cfg.nInner, 'in_out', { std }));
    const projStd = std / Math.sqrt(2 * cfg.nLayer);
    this.c_proj = this.add(new Linear(store, join(path, 'c_proj'), cfg.nInner, cfg.nEmbd, 'in_out', { std: projStd }));
  }

  /** [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const h = this.cfg.act(this.c_fc.forward(x)); // [B, T, 4C]
    return dropout(this.c_proj.forward(h), this.cfg.residPdrop, ctx);
  }
}

class GPT2Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: GPT2Attention;
  readonly ln_2: LayerNorm;
  readonly mlp: GPT2MLP;

  constructor(store: ParamStore, path: string, cfg: Gpt2Config, layerIdx: number) {
    super(path, 'GPT2Block');
    this.ln_1 = this.add(new LayerNorm(store, join(path, 'ln_1'), cfg.nEmbd, cfg.eps));
    this.attn = this.add(new GPT2Attention(store, join(path, 'attn'), cfg, layerIdx));
    this.ln_2 = this.add(new LayerNorm(store, join(path, 'ln_2'), cfg.nEmbd, cfg.eps));
    this.mlp = this.add(new GPT2MLP(store, join(path, 'mlp'), cfg));
  }

  /** x [B, T, C] → [B, T, C] (pre-LN residual block) */
  forward(x: tf.Tensor, bias: tf.Tensor | undefined, past: KeyValue | undefined, ctx: ForwardContext) {
    const a = this.attn.forward(this.ln_1.forward(x), bias, past, ctx);
    const h = tf.add(x, a.y); // [B, T, C]
    const out = tf.add(h, this.mlp.forward(this.ln_2.forward(h), ctx));
    return { x: out, present: a.present };
  }
}

class GPT2Model extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly h: ModuleList<GPT2Block>;
  readonly ln_f: LayerNorm;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: Gpt2Config,
  ) {
    super(path, 'GPT2Model');
    const std = cfg.initializerRange;
    this.wte = this.add(new Embedding(store, join(path, 'wte'), cfg.vocabSize, cfg.nEmbd, { kind: 'normal', std }));
    this.wpe = this.add(new Embedding(store, join(path, 'wpe'), cfg.nPositions, cfg.nEmbd, { kind: 'normal', std }));
    this.h = this.add(new ModuleList(join(path, 'h'), cfg.nLayer, (p, i) => new GPT2Block(store, p, cfg, i)));
    this.ln_f = this.add(new LayerNorm(store, join(path, 'ln_f'), cfg.nEmbd, cfg.eps));
  }

  /**
   * ids [B, T] after `past` (P cached positions); attentionMask [B, P+T]; positionIds [B, T]
   * → hidden [B, T, C] and the extended cache.
   */
  forward(
    ids: tf.Tensor2D,
    opts: { attentionMask?: tf.Tensor2D; positionIds?: tf.Tensor2D; past?: KeyValue[] },
    ctx: ForwardContext,
  ): { hidden: tf.Tensor3D; present: KeyValue[] } {
    const T = ids.shape[1];
    const P = opts.past ? opts.past[0].k.shape[2] : 0;
    if (P + T > this.cfg.nPositions) {
      throw new ModelInputError('GPT-2', `sequence of ${P + T} tokens exceeds n_positions = ${this.cfg.nPositions}`);
    }
    if (opts.attentionMask && opts.attentionMask.shape[1] !== P + T) {
      throw new ModelInputError(
        'GPT-2',
        `attention mask covers ${opts.attentionMask.shape[1]} positions, expected ${P + T}`,
      );
    }
    const positions = opts.positionIds ?? tf.reshape(tf.range(P, P + T, 1, 'int32'), [1, T]); // [1|B, T]
    let x = tf.add(this.wte.forward(ids), this.wpe.forward(positions)); // [B, T, C]
    x = dropout(x, this.cfg.embdPdrop, ctx);

    // a single new token with no padding may attend to everything: no bias needed
    const needsBias = T > 1 || opts.attentionMask !== undefined;
    const bias = needsBias ? causalBias(T, P + T, P, opts.attentionMask) : undefined; // [1|B, 1, T, P+T]

    const present: KeyValue[] = [];
    this.h.items.forEach((block, i) => {
      const out = block.forward(x, bias, opts.past?.[i], ctx);
      x = out.x;
      present.push(out.present);
    });
    const hidden = this.ln_f.forward(x) as tf.Tensor3D; // [B, T, C]
    return { hidden, present };
  }
}

/** The LM head: a bias-free linear to the vocabulary, tied to `wte` unless the config unties it. */
class GPT2LMHead extends Module {
  readonly weight?: tf.Variable;

  constructor(
    store: ParamStore,
    cfg: Gpt2Config,
    private readonly wte: Embedding,
  ) {
    super('lm_head', cfg.tieWordEmbeddings ? 'Linear (tied to wte)' : 'Linear');
    if (!cfg.tieWordEmbeddings) {
      this.weight = this.param(
        store,
        'weight',
        [cfg.vocabSize, cfg.nEmbd],
        { kind: 'normal', std: cfg.initializerRange },
        { head: true },
      );
    }
  }

  /** [B, T, C] → [B, T, V] */
  forward(hidden: tf.Tensor): tf.Tensor {
    return dense(hidden, this.weight ?? this.wte.weight, undefined, true);
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function buildGpt2(store: ParamStore, cfg: Gpt2Config, architecture: string): Network {
  const withHead = architecture === 'GPT2LMHeadModel';
  if (!withHead && architecture !== 'GPT2Model') throw new ModelConfigError(`unsupported GPT-2 head ${architecture}`);
  const transformer = new GPT2Model(store, withHead ? GPT2_BASE_PREFIX : '', cfg);
  const lmHead = withHead ? new GPT2LMHead(store, cfg, transformer.wte) : undefined;

  const hidden = (batch: Batch, ctx: ForwardContext) =>
    transformer.forward(batch.ids!, { attentionMask: batch.attentionMask, positionIds: batch.positionIds }, ctx).hidden;

  const causalLm: CausalLm | undefined = lmHead && {
    maxPositions: cfg.nPositions,
    vocabSize: cfg.vocabSize,
    eosTokenIds: cfg.eosTokenIds,
    step(ids, past) {
      const out = transformer.forward(ids, { past }, { training: false });
      const T = ids.shape[1];
      const last = tf.slice(out.hidden, [0, T - 1, 0], [-1, 1, -1]); // [B, 1, C]
      const lastLogits = tf.squeeze(lmHead.forward(last), [1]) as tf.Tensor2D; // [B, V]
      return { lastLogits, present: out.present };
    },
  };

  return {
    inputKind: 'tokens',
    modules: lmHead ? [transformer, lmHead] : transformer.children().slice(),
    vocabSize: cfg.vocabSize,
    maxPositions: cfg.nPositions,
    hidden,
    output: (batch, ctx) => (lmHead ? lmHead.forward(hidden(batch, ctx)) : hidden(batch, ctx)),
    causalLm,
  };
}
