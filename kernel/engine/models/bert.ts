/**
 * BERT (Hugging Face `BertModel` / `BertForSequenceClassification`), read top to bottom:
 * word + absolute position + token-type embeddings → LayerNorm → post-LN encoder layers
 * (self-attention → dense → add & LayerNorm → intermediate → output dense → add & LayerNorm)
 * → pooler tanh(dense(h[:, 0])) → classifier. Linear weights are [out, in] as stored.
 * Padding keys are masked with the attention mask; token types default to 0, positions to 0..T-1.
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
import { embeddingInit, type ParamStore } from './params';

export const BERT_ARCHITECTURES = ['BertForSequenceClassification', 'BertModel'] as const;
export const BERT_BASE_PREFIX = 'bert';

/** `BertConfig` defaults. */
export const BERT_DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  use_cache: true,
  classifier_dropout: null,
};

export interface BertConfig {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  act: Activation;
  hiddenDropout: number;
  attentionDropout: number;
  classifierDropout: number;
  maxPositions: number;
  typeVocabSize: number;
  initializerRange: number;
  eps: number;
  padTokenId?: number;
  numLabels: number;
}

export function readBertConfig(r: ConfigReader): BertConfig {
  r.require('position_embedding_type', ['absolute'], 'only absolute position embeddings are implemented');
  r.require('is_decoder', [false], 'BERT as a decoder is not implemented');
  const hidden = r.positiveInt('hidden_size');
  const heads = r.positiveInt('num_attention_heads');
  r.divisible(hidden, heads, 'hidden_size / num_attention_heads');
  const hiddenDropout = r.rate('hidden_dropout_prob');
  return {
    vocabSize: r.positiveInt('vocab_size'),
    hidden,
    layers: r.positiveInt('num_hidden_layers'),
    heads,
    intermediate: r.positiveInt('intermediate_size'),
    act: activation(r.full.hidden_act, 'hidden_act'),
    hiddenDropout,
    attentionDropout: r.rate('attention_probs_dropout_prob'),
    classifierDropout: r.full.classifier_dropout == null ? hiddenDropout : r.rate('classifier_dropout'),
    maxPositions: r.positiveInt('max_position_embeddings'),
    typeVocabSize: r.positiveInt('type_vocab_size'),
    initializerRange: r.number('initializer_range'),
    eps: r.number('layer_norm_eps'),
    padTokenId: r.optionalInt('pad_token_id'),
    numLabels: r.numLabels(),
  };
}

// ---------------------------------------------------------------------------------------------------------------

class BertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly token_type_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: BertConfig,
  ) {
    super(path, 'BertEmbeddings');
    const std = cfg.initializerRange;
    this.word_embeddings = this.add(
      new Embedding(
        store,
        join(path, 'word_embeddings'),
        cfg.vocabSize,
        cfg.hidden,
        embeddingInit(std, cfg.padTokenId),
      ),
    );
    this.position_embeddings = this.add(
      new Embedding(store, join(path, 'position_embeddings'), cfg.maxPositions, cfg.hidden, { kind: 'normal', std }),
    );
    this.token_type_embeddings = this.add(
      new Embedding(store, join(path, 'token_type_embeddings'), cfg.typeVocabSize, cfg.hidden, { kind: 'normal', std }),
    );
    this.LayerNorm = this.add(new LayerNorm(store, join(path, 'LayerNorm'), cfg.hidden, cfg.eps));
  }

  /** ids, tokenTypeIds, positionIds [B, T] → [B, T, C] */
  forward(batch: Batch, ctx: ForwardContext): tf.Tensor {
    const ids = batch.ids!;
    const T = ids.shape[1];
    const positions = batch.positionIds ?? tf.reshape(tf.range(0, T, 1, 'int32'), [1, T]); // [1|B, T]
    const types = batch.tokenTypeIds ?? tf.zerosLike(ids); // [B, T]
    let x = tf.add(this.word_embeddings.forward(ids), this.position_embeddings.forward(positions)); // [B, T, C]
    x = tf.add(x, this.token_type_embeddings.forward(types));
    return dropout(this.LayerNorm.forward(x), this.cfg.hiddenDropout, ctx);
  }
}

class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;

  constructor(store: ParamStore, path: string, cfg: BertConfig) {
    super(path, 'BertSelfAttention');
    const [C, std] = [cfg.hidden, cfg.initializerRange];
    this.query = this.add(new Linear(store, join(path, 'query'), C, C, 'out_in', { std }));
    this.key = this.add(new Linear(store, join(path, 'key'), C, C, 'out_in', { std }));
    this.value = this.add(new Linear(store, join(path, 'value'), C, C, 'out_in', { std }));
  }
}

/** dense → dropout → LayerNorm(x + residual): BERT's `BertSelfOutput` and `BertOutput`. */
class BertResidualOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;

  constructor(
    store: ParamStore,
    path: string,
    kind: string,
    inFeatures: number,
    private readonly cfg: BertConfig,
  ) {
    super(path, kind);
    this.dense = this.add(
      new Linear(store, join(path, 'dense'), inFeatures, cfg.hidden, 'out_in', { std: cfg.initializerRange }),
    );
    this.LayerNorm = this.add(new LayerNorm(store, join(path, 'LayerNorm'), cfg.hidden, cfg.eps));
  }

  /** x [B, T, in], residual [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, residual: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const y = dropout(this.dense.forward(x), this.cfg.hiddenDropout, ctx);
    return this.LayerNorm.forward(tf.add(y, residual));
  }
}

class BertAttention extends Module {
  readonly self: BertSelfAttention;
  readonly output: BertResidualOutput;

  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: BertConfig,
  ) {
    super(path, 'BertAttention');
    this.self = this.add(new BertSelfAttention(store, join(path, 'self'), cfg));
    this.output = this.add(new BertResidualOutput(store, join(path, 'output'), 'BertSelfOutput', cfg.hidden, cfg));
  }

  /** [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, bias: tf.Tensor | undefined, ctx: ForwardContext): tf.Tensor {
    const s = this.self;
    const y = selfAttention(
      x,
      { q: s.query, k: s.key, v: s.value },
      this.cfg.heads,
      bias,
      this.cfg.attentionDropout,
      ctx,
    );
    return this.output.forward(y, x, ctx);
  }
}

class BertIntermediate extends Module {
  readonly dense: Linear;
  constructor(
    store: ParamStore,
    path: string,
    private readonly cfg: BertConfig,
  ) {
    super(path, 'BertIntermediate');
    this.dense = this.add(
      new Linear(store, join(path, 'dense'), cfg.hidden, cfg.intermediate, 'out_in', { std: cfg.initializerRange }),
    );
  }

  /** [B, T, C] → [B, T, I] */
  forward(x: tf.Tensor): tf.Tensor {
    return this.cfg.act(this.dense.forward(x));
  }
}

class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertResidualOutput;

  constructor(store: ParamStore, path: string, cfg: BertConfig) {
    super(path, 'BertLayer');
    this.attention = this.add(new BertAttention(store, join(path, 'attention'), cfg));
    this.intermediate = this.add(new BertIntermediate(store, join(path, 'intermediate'), cfg));
    this.output = this.add(new BertResidualOutput(store, join(path, 'output'), 'BertOutput', cfg.intermediate, cfg));
  }

  /** [B, T, C] → [B, T, C] */
  forward(x: tf.Tensor, bias: tf.Tensor | undefined, ctx: ForwardContext): tf.Tensor {
    const a = this.attention.forward(x, bias, ctx);
    return this.output.forward(this.intermediate.forward(a), a, ctx);
  }
}

class BertEncoder extends Module {
  readonly layer: ModuleList<BertLayer>;
  constructor(store: ParamStore, path: string, cfg: BertConfig) {
    super(path, 'BertEncoder');
    this.layer = this.add(new ModuleList(join(path, 'layer'), cfg.layers, (p) => new BertLayer(store, p, cfg)));
  }

  forward(x: tf.Tensor, bias: tf.Tensor | undefined, ctx: ForwardContext): tf.Tensor {
    return this.layer.items.reduce((h, layer) => layer.forward(h, bias, ctx), x);
  }
}

class BertPooler extends Module {
  readonly dense: Linear;
  constructor(store: ParamStore, path: string, cfg: BertConfig) {
    super(path, 'BertPooler');
    this.dense = this.add(
      new Linear(store, join(path, 'dense'), cfg.hidden, cfg.hidden, 'out_in', {
        std: cfg.initializerRange,
        head: true,
      }),
    );
  }

  /** hidden [B, T, C] → tanh(dense(hidden[:, position])) [B, C]; position 0 is [CLS] */
  forward(hidden: tf.Tensor, position = 0): tf.Tensor {
    return tf.tanh(this.dense.forward(firstToken(hidden, position)));
  }
}

class BertModel extends Module {
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler;

  constructor(store: ParamStore, path: string, cfg: BertConfig) {
    super(path, 'BertModel');
    this.embeddings = this.add(new BertEmbeddings(store, join(path, 'embeddings'), cfg));
    this.encoder = this.add(new BertEncoder(store, join(path, 'encoder'), cfg));
    this.pooler = this.add(new BertPooler(store, join(path, 'pooler'), cfg));
  }

  /** ids [B, T] (+ mask, token types, positions) → last hidden states [B, T, C] */
  forward(batch: Batch, ctx: ForwardContext): tf.Tensor {
    const bias = batch.attentionMask ? paddingBias(batch.attentionMask) : undefined; // [B, 1, 1, T]
    return this.encoder.forward(this.embeddings.forward(batch, ctx), bias, ctx);
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function buildBert(store: ParamStore, cfg: BertConfig, architecture: string): Network {
  const withHead = architecture === 'BertForSequenceClassification';
  if (!withHead && architecture !== 'BertModel') throw new ModelConfigError(`unsupported BERT head ${architecture}`);
  const bert = new BertModel(store, withHead ? BERT_BASE_PREFIX : '', cfg);
  const classifier = withHead
    ? new Linear(store, 'classifier', cfg.hidden, cfg.numLabels, 'out_in', { std: cfg.initializerRange, head: true })
    : undefined;

  const pooled = (batch: Batch, ctx: ForwardContext) =>
    bert.pooler.forward(bert.forward(batch, ctx), batch.clsPosition); // [B, C]
  return {
    inputKind: 'tokens',
    modules: classifier ? [bert, classifier] : bert.children().slice(),
    vocabSize: cfg.vocabSize,
    maxPositions: cfg.maxPositions,
    hidden: (batch, ctx) => bert.forward(batch, ctx),
    pooled,
    output: (batch, ctx) =>
      classifier
        ? classifier.forward(dropout(pooled(batch, ctx), cfg.classifierDropout, ctx)) // [B, numLabels]
        : bert.forward(batch, ctx),
  };
}
