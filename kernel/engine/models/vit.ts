/**
 * ViT (Hugging Face `ViTModel` / `ViTForImageClassification`), read top to bottom:
 * NHWC pixels → patch projection (a stride-p conv whose weight stays NCHW [C, ch, p, p] as stored) → [CLS] + patches
 * + position embeddings → pre-LN encoder layers (layernorm_before → self-attention → add → layernorm_after → MLP
 * → add) → final layernorm → classifier on token 0 (ViTModel: tanh pooler instead). No attention mask.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activation, type Activation } from './activations';
import {
  dropout,
  firstToken,
  type ForwardContext,
  join,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  selfAttention,
} from './blocks';
import type { ConfigReader } from './configReader';
import { ModelConfigError } from './modelConfigError';
import type { Batch, Network } from './network';
import type { ParamStore } from './params';

export const VIT_ARCHITECTURES = ['ViTForImageClassification', 'ViTModel'] as const;
export const VIT_BASE_PREFIX = 'vit';

/** `ViTConfig` defaults. */
export const VIT_DEFAULTS = {
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.0,
  attention_probs_dropout_prob: 0.0,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  image_size: 224,
  patch_size: 16,
  num_channels: 3,
  qkv_bias: true,
  encoder_stride: 16,
};

export interface VitConfig {
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  act: Activation;
  hiddenDropout: number;
  attentionDropout: number;
  initializerRange: number;
  eps: number;
  imageSize: number;
  patchSize: number;
  numChannels: number;
  qkvBias: boolean;
  numLabels: number;
}

export function readVitConfig(r: ConfigReader): VitConfig {
  r.require('pooler_act', [undefined, 'tanh'], 'only the tanh pooler is implemented');
  const hidden = r.positiveInt('hidden_size');
  const heads = r.positiveInt('num_attention_heads');
  r.divisible(hidden, heads, 'hidden_size / num_attention_heads');
  if (r.full.pooler_output_size != null && r.full.pooler_output_size !== hidden) {
    throw new ModelConfigError('pooler_output_size different from hidden_size is not supported');
  }
  const imageSize = r.positiveInt('image_size');
  const patchSize = r.positiveInt('patch_size');
  r.divisible(imageSize, patchSize, 'image_size / patch_size');
  return {
    hidden,
    layers: r.positiveInt('num_hidden_layers'),
    heads,
    intermediate: r.positiveInt('intermediate_size'),
    act: activation(r.full.hidden_act, 'hidden_act'),
    hiddenDropout: r.rate('hidden_dropout_prob'),
    attentionDropout: r.rate('attention_probs_dropout_prob'),
    initializerRange: r.number('initializer_range'),
    eps: r.number('layer_norm_eps'),
    imageSize,
    patchSize,
    numChannels: r.positiveInt('num_channels'),
    qkvBias: r.bool('qkv_bias'),
    numLabels: r.numLabels(),
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** `nn.Conv2d(ch, C, kernel=p, stride=p)` with its PyTorch weight layout [out, in, kh, kw]. */
class PatchProjection extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: VitConfig,
  ) {
    super(path, 'Conv2d');
    const p = cfg.patchSize;
    this.weight = this.param(store, 'weight', [cfg.hidden, cfg.numChannels, p, p], {
      kind: 'normal',
      std: cfg.initializerRange,
    });
    this.bias = this.param(store, 'bias', [cfg.hidden], { kind: 'zeros' });
  }

  /**
   * pixels [B, H, W, ch] → patch features [B, H/p · W/p, C], patches in row-major order. A stride-p conv with a
   * p×p kernel is a matmul over non-overlapping patches; written so, it has gradients on every backend (wasm has
   * no Conv2DBackpropFilter).
   */
  forward(pixels: tf.Tensor4D): tf.Tensor {
    const p = this.cfg.patchSize;
    const [B, H, W, ch] = pixels.shape;
    const [nh, nw] = [Math.floor(H / p), Math.floor(W / p)];
    const cropped = H === nh * p && W === nw * p ? pixels : tf.slice(pixels, [0, 0, 0, 0], [B, nh * p, nw * p, ch]);
    const grid = tf.reshape(cropped, [B * nh, p, nw, p * ch]); // [B·nh, p, nw, p·ch]
    const rows = tf.reshape(tf.transpose(grid, [0, 2, 1, 3]), [B * nh * nw, p, p, ch]); // [B·N, p, p, ch]
    const patches = tf.reshape(tf.transpose(rows, [0, 3, 1, 2]), [B * nh * nw, ch * p * p]); // [B·N, ch·p·p] as the weight's (ch, kh, kw)
    const weight = tf.reshape(this.weight, [this.cfg.hidden, ch * p * p]); // [C, ch·p·p]
    const y = tf.add(tf.matMul(patches, weight, false, true), this.bias); // [B·N, C]
    return tf.reshape(y, [B, nh * nw, this.cfg.hidden]); // [B, N, C]
  }
}

class ViTPatchEmbeddings extends Module {
  readonly projection: PatchProjection;
  constructor(store: ParamStore, path: string, cfg: VitConfig) {
    super(path, 'ViTPatchEmbeddings');
    this.projection = this.add(new PatchProjection(store, join(path, 'projection'), cfg));
  }
}

class ViTEmbeddings extends Module {
  readonly cls_token: tf.Variable;
  readonly position_embeddings: tf.Variable;
  readonly patch_embeddings: ViTPatchEmbeddings;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: VitConfig,
  ) {
    super(path, 'ViTEmbeddings');
    const patches = (cfg.imageSize / cfg.patchSize) ** 2;
    const std = cfg.initializerRange;
    this.cls_token = this.param(store, 'cls_token', [1, 1, cfg.hidden], { kind: 'normal', std });
    this.position_embeddings = this.param(store, 'position_embeddings', [1, patches + 1, cfg.hidden], {
      kind: 'normal',
      std,
    });
    this.patch_embeddings = this.add(new ViTPatchEmbeddings(store, join(path, 'patch_embeddings'), cfg));
  }

  /** pixels [B, H, W, ch] → [B, N+1, C] */
  forward(pixels: tf.Tensor4D, ctx: ForwardContext): tf.Tensor {
    const patches = this.patch_embeddings.projection.forward(pixels); // [B, N, C]
    const B = pixels.shape[0];
    const cls = tf.tile(this.cls_token, [B, 1, 1]); // [B, 1, C]
    const x = tf.add(tf.concat([cls, patches], 1), this.position_embeddings); // [B, N+1, C]
    return dropout(x, this.cfg.hiddenDropout, ctx);
  }
}

class ViTSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;

  constructor(store: ParamStore, path: string, cfg: VitConfig) {
    super(path, 'ViTSelfAttention');
    const [C, std, bias] = [cfg.hidden, cfg.initializerRange, cfg.qkvBias];
    this.query = this.add(new Linear(store, join(path, 'query'), C, C, 'out_in', { std, bias }));
    this.key = this.add(new Linear(store, join(path, 'key'), C, C, 'out_in', { std, bias }));
    this.value = this.add(new Linear(store, join(path, 'value'), C, C, 'out_in', { std, bias }));
  }
}

/** A dense layer followed by dropout: ViT's `ViTSelfOutput` and `ViTOutput` (the residual is added by the layer). */
class ViTDenseOutput extends Module {
  readonly dense: Linear;
  constructor(
    store: ParamStore,
    path: string,
    kind: string,
    inFeatures: number,
    private readonly cfg: VitConfig,
  ) {
    super(path, kind);
    this.dense = this.add(
      new Linear(store, join(path, 'dense'), inFeatures, cfg.hidden, 'out_in', { std: cfg.initializerRange }),
    );
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return dropout(this.dense.forward(x), this.cfg.hiddenDropout, ctx);
  }
}

class ViTAttention extends Module {
  readonly attention: ViTSelfAttention;
  readonly output: ViTDenseOutput;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: VitConfig,
  ) {
    super(path, 'ViTAttention');
    this.attention = this.add(new ViTSelfAttention(store, join(path, 'attention'), cfg));
    this.output = this.add(new ViTDenseOutput(store, join(path, 'output'), 'ViTSelfOutput', cfg.hidden, cfg));
  }

  /** [B, N, C] → [B, N, C] */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const a = this.attention;
    const y = selfAttention(
      x,
      { q: a.query, k: a.key, v: a.value },
      this.cfg.heads,
      undefined,
      this.cfg.attentionDropout,
      ctx,
    );
    return this.output.forward(y, ctx);
  }
}

class ViTIntermediate extends Module {
  readonly dense: Linear;
  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: VitConfig,
  ) {
    super(path, 'ViTIntermediate');
    this.dense = this.add(
      new Linear(store, join(path, 'dense'), cfg.hidden, cfg.intermediate, 'out_in', { std: cfg.initializerRange }),
    );
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.cfg.act(this.dense.forward(x));
  }
}

class ViTLayer extends Module {
  readonly attention: ViTAttention;
  readonly intermediate: ViTIntermediate;
  readonly output: ViTDenseOutput;
  readonly layernorm_before: LayerNorm;
  readonly layernorm_after: LayerNorm;

  constructor(store: ParamStore, path: string, cfg: VitConfig) {
    super(path, 'ViTLayer');
    this.attention = this.add(new ViTAttention(store, join(path, 'attention'), cfg));
    this.intermediate = this.add(new ViTIntermediate(store, join(path, 'intermediate'), cfg));
    this.output = this.add(new ViTDenseOutput(store, join(path, 'output'), 'ViTOutput', cfg.intermediate, cfg));
    this.layernorm_before = this.add(new LayerNorm(store, join(path, 'layernorm_before'), cfg.hidden, cfg.eps));
    this.layernorm_after = this.add(new LayerNorm(store, join(path, 'layernorm_after'), cfg.hidden, cfg.eps));
  }

  /** [B, N, C] → [B, N, C] (pre-LN residual block) */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const h = tf.add(this.attention.forward(this.layernorm_before.forward(x), ctx), x);
    const m = this.output.forward(this.intermediate.forward(this.layernorm_after.forward(h)), ctx);
    return tf.add(m, h);
  }
}

class ViTEncoder extends Module {
  readonly layer: ModuleList<ViTLayer>;
  constructor(store: ParamStore, path: string, cfg: VitConfig) {
    super(path, 'ViTEncoder');
    this.layer = this.add(new ModuleList(join(path, 'layer'), cfg.layers, (p) => new ViTLayer(store, p, cfg)));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.layer.items.reduce((h, layer) => layer.forward(h, ctx), x);
  }
}

class ViTPooler extends Module {
  readonly dense: Linear;
  constructor(store: ParamStore, path: string, cfg: VitConfig) {
    super(path, 'ViTPooler');
    this.dense = this.add(
      new Linear(store, join(path, 'dense'), cfg.hidden, cfg.hidden, 'out_in', {
        std: cfg.initializerRange,
        head: true,
      }),
    );
  }

  /** [B, N, C] → tanh(dense(h[:, 0])) [B, C] */
  forward(hidden: tf.Tensor): tf.Tensor {
    return tf.tanh(this.dense.forward(firstToken(hidden)));
  }
}

class ViTModel extends Module {
  readonly embeddings: ViTEmbeddings;
  readonly encoder: ViTEncoder;
  readonly layernorm: LayerNorm;
  readonly pooler?: ViTPooler;

  constructor(store: ParamStore, path: string, cfg: VitConfig, withPooler: boolean) {
    super(path, 'ViTModel');
    this.embeddings = this.add(new ViTEmbeddings(store, join(path, 'embeddings'), cfg));
    this.encoder = this.add(new ViTEncoder(store, join(path, 'encoder'), cfg));
    this.layernorm = this.add(new LayerNorm(store, join(path, 'layernorm'), cfg.hidden, cfg.eps));
    if (withPooler) this.pooler = this.add(new ViTPooler(store, join(path, 'pooler'), cfg));
  }

  /** pixels [B, H, W, ch] → last hidden states [B, N+1, C] */
  forward(pixels: tf.Tensor4D, ctx: ForwardContext): tf.Tensor {
    return this.layernorm.forward(this.encoder.forward(this.embeddings.forward(pixels, ctx), ctx));
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function buildVit(store: ParamStore, cfg: VitConfig, architecture: string): Network {
  const withHead = architecture === 'ViTForImageClassification';
  if (!withHead && architecture !== 'ViTModel') throw new ModelConfigError(`unsupported ViT head ${architecture}`);
  // HF builds the classification model without the pooler
  const vit = new ViTModel(store, withHead ? VIT_BASE_PREFIX : '', cfg, !withHead);
  const classifier = withHead
    ? new Linear(store, 'classifier', cfg.hidden, cfg.numLabels, 'out_in', { std: cfg.initializerRange, head: true })
    : undefined;
  const hidden = (batch: Batch, ctx: ForwardContext) => vit.forward(batch.pixels!, ctx);

  return {
    inputKind: 'pixels',
    modules: classifier ? [vit, classifier] : vit.children().slice(),
    imageSize: cfg.imageSize,
    numChannels: cfg.numChannels,
    hidden,
    pooled: vit.pooler ? (batch, ctx) => vit.pooler!.forward(hidden(batch, ctx)) : undefined,
    output: (batch, ctx) => {
      const h = hidden(batch, ctx); // [B, N+1, C]
      if (!classifier) return h;
      return classifier.forward(firstToken(h)); // [B, numLabels]
    },
  };
}
