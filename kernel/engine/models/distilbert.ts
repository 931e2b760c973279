/**
 * DistilBERT (Hugging Face `DistilBertModel` / `DistilBertForSequenceClassification`), read top to bottom:
 * word + position embeddings → LayerNorm → post-LN transformer blocks
 * (multi-head self-attention → out_lin → add & sa_layer_norm → FFN lin1/act/lin2 → add & output_layer_norm)
 * → classifier(dropout(relu(pre_classifier(h[:, 0])))). No token types; LayerNorm eps is fixed at 1e-12 as in HF.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activation, type Activation } from './activations';
import {
  dropout,
  Embedding,
  firstToken,
  type ForwardContext,
  join,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  paddingBias,
  selfAttention,
} from './blocks';
import type { ConfigReader } from './configReader';
import { ModelConfigError } from './modelConfigError';
import type { Batch, Network } from './network';
import { embeddingInit, type Init, type ParamStore } from './params';

export const DISTILBERT_ARCHITECTURES = ['DistilBertForSequenceClassification', 'DistilBertModel'] as const;
export const DISTILBERT_BASE_PREFIX = 'distilbert';
const LAYER_NORM_EPS = 1e-12;

/** `DistilBertConfig` defaults. */
export const DISTILBERT_DEFAULTS = {
  vocab_size: 30522,
  max_position_embeddings: 512,
  sinusoidal_pos_embds: false,
  n_layers: 6,
  n_heads: 12,
  dim: 768,
  hidden_dim: 3072,
  dropout: 0.1,
  attention_dropout: 0.1,
  activation: 'gelu',
  initializer_range: 0.02,
  qa_dropout: 0.1,
  seq_classif_dropout: 0.2,
  pad_token_id: 0,
};

export interface DistilBertConfig {
  vocabSize: number;
  maxPositions: number;
  sinusoidal: boolean;
  layers: number;
  heads: number;
  dim: number;
  hiddenDim: number;
  dropout: number;
  attentionDropout: number;
  classifierDropout: number;
  act: Activation;
  initializerRange: number;
  padTokenId?: number;
  numLabels: number;
}

export function readDistilBertConfig(r: ConfigReader): DistilBertConfig {
  const dim = r.positiveInt('dim', 'hidden_size');
  const heads = r.positiveInt('n_heads', 'num_attention_heads');
  r.divisible(dim, heads, 'dim / n_heads');
  return {
    vocabSize: r.positiveInt('vocab_size'),
    maxPositions: r.positiveInt('max_position_embeddings'),
    sinusoidal: r.bool('sinusoidal_pos_embds'),
    layers: r.positiveInt('n_layers', 'num_hidden_layers'),
    heads,
    dim,
    hiddenDim: r.positiveInt('hidden_dim'),
    dropout: r.rate('dropout'),
    attentionDropout: r.rate('attention_dropout'),
    classifierDropout: r.rate('seq_classif_dropout'),
    act: activation(r.full.activation, 'activation'),
    initializerRange: r.number('initializer_range'),
    padTokenId: r.optionalInt('pad_token_id'),
    numLabels: r.numLabels(),
  };
}

/** HF `create_sinusoidal_embeddings`: even columns sin(pos / 10000^(2⌊j/2⌋/dim)), odd columns cos of the same. */
function sinusoidalInit(): Init {
  return {
    kind: 'custom',
    make: ([nPos, dim]) => {
      const table = new Float32Array(nPos * dim);
      for (let pos = 0; pos < nPos; pos++) {
        for (let j = 0; j < dim; j++) {
          const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
          table[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
        }
      }
      return tf.tensor2d(table, [nPos, dim]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

class Embeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: DistilBertConfig,
  ) {
    super(path, 'Embeddings');
    const std = cfg.initializerRange;
    this.word_embeddings = this.add(
      new Embedding(store, join(path, 'word_embeddings'), cfg.vocabSize, cfg.dim, embeddingInit(std, cfg.padTokenId)),
    );
    // sinusoidal tables are frozen in HF (requires_grad = False)
    this.position_embeddings = this.add(
      cfg.sinusoidal
        ? new Embedding(store, join(path, 'position_embeddings'), cfg.maxPositions, cfg.dim, sinusoidalInit(), {
            trainable: false,
          })
        : new Embedding(store, join(path, 'position_embeddings'), cfg.maxPositions, cfg.dim, { kind: 'normal', std }),
    );
    this.LayerNorm = this.add(new LayerNorm(store, join(path, 'LayerNorm'), cfg.dim, LAYER_NORM_EPS));
  }

  /** ids [B, T] → [B, T, C] */
  forward(batch: Batch, ctx: ForwardContext): tf.Tensor {
    const ids = batch.ids!;
    const T = ids.shape[1];
    const positions = tf.reshape(tf.range(0, T, 1, 'int32'), [1, T]); // [1, T]
    const x = tf.add(this.word_embeddings.forward(ids), this.position_embeddings.forward(positions)); // [B, T, C]
    return dropout(this.LayerNorm.forward(x), this.cfg.dropout, ctx);
  }
}

class MultiHeadSelfAttention extends Module {
  readonly q_lin: Linear;
  readonly k_lin: Linear;
  readonly v_lin: Linear;
  readonly out_lin: Linear;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: DistilBertConfig,
  ) {
    super(path, 'MultiHeadSelfAttention');
    const [C, std] = [cfg.dim, cfg.initializerRange];
    this.q_lin = this.add(new Linear(store, join(path, 'q_lin'), C, C, 'out_in', { std }));
    this.k_lin = this.add(new Linear(store, join(path, 'k_lin'), C, C, 'out_in', { std }));
    this.v_lin = this.add(new Linear(store, join(path, 'v_lin'), C, C, 'out_in', { std }));
    this.out_lin = this.add(new Linear(store, join(path, 'out_lin'), C, C, 'out_in', { std }));
  }

  /** [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, bias: tf.Tensor | undefined, ctx: ForwardContext): tf.Tensor {
    const proj = { q: this.q_lin, k: this.k_lin, v: this.v_lin };
    return this.out_lin.forward(selfAttention(x, proj, this.cfg.heads, bias, this.cfg.attentionDropout, ctx));
  }
}

class FFN extends Module {
  readonly lin1: Linear;
  readonly lin2: Linear;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: DistilBertConfig,
  ) {
    super(path, 'FFN');
    const std = cfg.initializerRange;
    this.lin1 = this.add(new Linear(store, join(path, 'lin1'), cfg.dim, cfg.hiddenDim, 'out_in', { std }));
    this.lin2 = this.add(new Linear(store, join(path, 'lin2'), cfg.hiddenDim, cfg.dim, 'out_in', { std }));
  }

  /** [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return dropout(this.lin2.forward(this.cfg.act(this.lin1.forward(x))), this.cfg.dropout, ctx);
  }
}

class TransformerBlock extends Module {
  readonly attention: MultiHeadSelfAttention;
  readonly sa_layer_norm: LayerNorm;
  readonly ffn: FFN;
  readonly output_layer_norm: LayerNorm;

  constructor(store: ParamStore, path: string, cfg: DistilBertConfig) {
    super(path, 'TransformerBlock');
    this.attention = this.add(new MultiHeadSelfAttention(store, join(path, 'attention'), cfg));
    this.sa_layer_norm = this.add(new LayerNorm(store, join(path, 'sa_layer_norm'), cfg.dim, LAYER_NORM_EPS));
    this.ffn = this.add(new FFN(store, join(path, 'ffn'), cfg));
    this.output_layer_norm = this.add(new LayerNorm(store, join(path, 'output_layer_norm'), cfg.dim, LAYER_NORM_EPS));
  }

  /** [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, bias: tf.Tensor | undefined, ctx: ForwardContext): tf.Tensor {
    const sa = this.sa_layer_norm.forward(tf.add(this.attention.forward(x, bias, ctx), x));
    return this.output_layer_norm.forward(tf.add(this.ffn.forward(sa, ctx), sa));
  }
}

class Transformer extends Module {
  readonly layer: ModuleList<TransformerBlock>;
  constructor(store: ParamStore, path: string, cfg: DistilBertConfig) {
    super(path, 'Transformer');
    this.layer = this.add(new ModuleList(join(path, 'layer'), cfg.layers, (p) => new TransformerBlock(store, p, cfg)));
  }

  forward(x: tf.Tensor, bias: tf.Tensor | undefined, ctx: ForwardContext): tf.Tensor {
    return this.layer.items.reduce((h, block) => block.forward(h, bias, ctx), x);
  }
}

class DistilBertModel extends Module {
  readonly embeddings: Embeddings;
  readonly transformer: Transformer;

  constructor(store: ParamStore, path: string, cfg: DistilBertConfig) {
    super(path, 'DistilBertModel');
    this.embeddings = this.add(new Embeddings(store, join(path, 'embeddings'), cfg));
    this.transformer = this.add(new Transformer(store, join(path, 'transformer'), cfg));
  }

  /** ids [B, T] (+ mask) → last hidden states [B, T, C] */
  forward(batch: Batch, ctx: ForwardContext): tf.Tensor {
    const bias = batch.attentionMask ? paddingBias(batch.attentionMask) : undefined; // [B, 1, 1, T]
    return this.transformer.forward(this.embeddings.forward(batch, ctx), bias, ctx);
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function buildDistilBert(store: ParamStore, cfg: DistilBertConfig, architecture: string): Network {
  const withHead = architecture === 'DistilBertForSequenceClassification';
  if (!withHead && architecture !== 'DistilBertModel')
    throw new ModelConfigError(`unsupported DistilBERT head ${architecture}`);
  const distilbert = new DistilBertModel(store, withHead ? DISTILBERT_BASE_PREFIX : '', cfg);
  const std = cfg.initializerRange;
  const head = withHead
    ? {
        pre_classifier: new Linear(store, 'pre_classifier', cfg.dim, cfg.dim, 'out_in', { std, head: true }),
        classifier: new Linear(store, 'classifier', cfg.dim, cfg.numLabels, 'out_in', { std, head: true }),
      }
    : undefined;

  return {
    inputKind: 'tokens',
    modules: head ? [distilbert, head.pre_classifier, head.classifier] : distilbert.children().slice(),
    vocabSize: cfg.vocabSize,
    maxPositions: cfg.maxPositions,
    hidden: (batch, ctx) => distilbert.forward(batch, ctx),
    output: (batch, ctx) => {
      const h = distilbert.forward(batch, ctx); // [B, T, C]
      if (!head) return h;
      const pooled = dropout(
        tf.relu(head.pre_classifier.forward(firstToken(h, batch.clsPosition))),
        cfg.classifierDropout,
        ctx,
      );
      return head.classifier.forward(pooled); // [B, numLabels]
    },
  };
}
