/**
 * A backbone plus a sequence-classification (or scalar) head, as one `Model`: logits are [batch, numLabels]
 * (scalar head: [batch]); `params` and `layers()` list the backbone under its Hugging Face prefix and the head
 * modules; `save` writes a folder Hugging Face loads as `*ForSequenceClassification`. The backbone's variables
 * are shared, not copied: training the head model trains the backbone it was built on.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerateResult } from '../generate/types';
import { writeHfFolder } from '../io/hfFolder';
import type { TensorEntry } from '../io/safetensors';
import type { Tokenizer } from '../io/tokenizer';
import type { ForwardOptions, LayerInfo, LoadReport, Model, ModelInput, ModelType } from '../models/model';
import { ModelInputError } from '../models/modelInputError';
import type { HeadLayout, HeadPooling } from './headLayout';
import type { HeadLinear } from './headLinear';
import { poolHidden } from './pooling';

/** What `TransformerModel` offers beyond `Model` and a head uses when present. */
interface BackboneExtras {
  pooled?(input: ModelInput, opts?: ForwardOptions): tf.Tensor;
  tokenizerConfig?: object;
}

export interface HeadModelParts {
  backbone: Model;
  layout: HeadLayout;
  pooling: HeadPooling;
  dropout: number;
  /** [pre_classifier?, output] in forward order. */
  linears: HeadLinear[];
  numLabels: number;
  /** Scalar head: logits [batch] instead of [batch, 1]. */
  scalar: boolean;
  labels: string[];
}

export class HeadModel implements Model {
  readonly modelType: ModelType;
  readonly architecture: string;
  readonly config: Record<string, any>;
  readonly backbone: Model;
  readonly pooling: HeadPooling;
  readonly numLabels: number;
  readonly scalar: boolean;
  private readonly layout: HeadLayout;
  private readonly dropoutRate: number;
  private readonly linears: HeadLinear[];
  private readonly backbonePrefix: string;
  /** A head-carrying backbone's own old head (`classifier.*`, ...), which is not part of this model. */
  private readonly replacedHead: Set<string>;
  /** The backbone's own names are unprefixed (a bare `GPT2Model`, `DistilBertModel`, ...). */
  private readonly bareBackbone: boolean;
  private disposed = false;

  constructor(parts: HeadModelParts) {
    this.backbone = parts.backbone;
    this.layout = parts.layout;
    this.modelType = parts.backbone.modelType;
    this.architecture = parts.layout.architecture;
    this.pooling = parts.pooling;
    this.dropoutRate = parts.dropout;
    this.linears = parts.linears;
    this.numLabels = parts.numLabels;
    this.scalar = parts.scalar;
    const prefix = `${parts.layout.backbonePrefix}.`;
    const names = [...parts.backbone.params.keys()];
    this.bareBackbone = !names.some((n) => n.startsWith(prefix));
    this.backbonePrefix = prefix;
    this.replacedHead = new Set(this.bareBackbone ? [] : names.filter((n) => !n.startsWith(prefix)));
    this.config = headConfig(parts);
  }

  get tokenizer(): Tokenizer | undefined {
    return this.backbone.tokenizer;
  }
  set tokenizer(tokenizer: Tokenizer | undefined) {
    this.backbone.tokenizer = tokenizer;
  }
  get preprocessorConfig(): object | undefined {
    return this.backbone.preprocessorConfig;
  }
  set preprocessorConfig(config: object | undefined) {
    this.backbone.preprocessorConfig = config;
  }
  get loadReport(): LoadReport | undefined {
    return this.backbone.loadReport;
  }

  /** Backbone parameters under the HF prefix (read live, so adapters added to the backbone later count), then the head's. */
  get params(): Map<string, tf.Variable> {
    const prefix = this.backbonePrefix;
    const own = [...this.backbone.params];
    const backbone = this.bareBackbone
      ? own.map(([n, v]) => [prefix + n, v] as [string, tf.Variable])
      : own.filter(([n]) => !this.replacedHead.has(n));
    return new Map([...backbone, ...this.linears.flatMap((l) => l.params())]);
  }

  /** Head parameters only, by HF name (`score.weight`, `classifier.bias`, ...). */
  headParams(): Map<string, tf.Variable> {
    return new Map(this.linears.flatMap((l) => l.params()));
  }

  logits(input: ModelInput, opts: ForwardOptions = {}): tf.Tensor {
    this.checkAlive();
    return tf.tidy(() => {
      const { input: x, opts: o, mask } = this.withMask(input, opts);
      let pooled: tf.Tensor;
      if (this.pooling === 'pooler') {
        const pooledOf = (this.backbone as Model & BackboneExtras).pooled;
        if (!pooledOf)
          throw new ModelInputError(this.architecture, 'the backbone has no pooler; choose pooling "cls" or "mean"');
        pooled = pooledOf.call(this.backbone, x, o); // [B, C]
      } else {
        pooled = poolHidden(this.backbone.hidden(x, o), this.pooling, mask); // [B, C]
      }
      const training = o.training === true;
      let y = pooled;
      this.linears.forEach((linear, i) => {
        if (i === this.linears.length - 1 && training && this.dropoutRate > 0) y = tf.dropout(y, this.dropoutRate);
        y = linear.forward(y); // [B, out]
        if (i < this.linears.length - 1) y = tf.relu(y);
      });
      return this.scalar ? tf.reshape(y, [y.shape[0]]) : y; // [B] or [B, numLabels]
    });
  }

  hidden(input: ModelInput, opts: ForwardOptions = {}): tf.Tensor {
    this.checkAlive();
    return this.backbone.hidden(input, opts);
  }

  layers(): LayerInfo[] {
    const prefix = this.layout.backbonePrefix;
    const backboneLayers = this.backbone.layers();
    let backboneNode: LayerInfo | undefined;
    if (this.bareBackbone) {
      const children = backboneLayers.map((l) => withPrefix(l, prefix));
      const params = children.reduce((n, c) => n + c.params, 0);
      const trainableParams = children.reduce((n, c) => n + c.trainableParams, 0);
      backboneNode = {
        path: prefix,
        kind: this.layout.backboneKind,
        params,
        trainableParams,
        trainable: params > 0 && params === trainableParams,
        children,
      };
    } else {
      backboneNode = backboneLayers.find((l) => l.path === prefix);
    }
    return [...(backboneNode ? [backboneNode] : []), ...this.linears.map((l) => l.layerInfo())];
  }

  generate(): Promise<GenerateResult> {
    return Promise.reject(
      new ModelInputError(
        this.architecture,
        'a sequence classification model cannot generate text; use the language model it was built from',
      ),
    );
  }

  async save(dir: string): Promise<void> {
    this.checkAlive();
    const weights: TensorEntry[] = [];
    for (const [name, v] of this.params)
      weights.push({ name, dtype: 'F32', shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    await writeHfFolder(dir, {
      config: { ...this.config, torch_dtype: 'float32' },
      weights,
      tokenizerJson: this.tokenizer?.toJson(),
      tokenizerConfig: (this.backbone as Model & BackboneExtras).tokenizerConfig,
      preprocessorConfig: this.preprocessorConfig,
    });
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()].filter((v) => v.trainable);
  }

  /** Disposes the head and the backbone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.linears) l.dispose();
    this.backbone.dispose();
  }

  /**
   * Text is tokenized here (right-padded, with a mask) so pooling knows the padding; token ids without a mask
   * use `pad_token_id` from the config, as Hugging Face's GPT-2 head does, or else count every token.
   */
  private withMask(
    input: ModelInput,
    opts: ForwardOptions,
  ): { input: ModelInput; opts: ForwardOptions; mask?: tf.Tensor } {
    const isText =
      typeof input === 'string' || (Array.isArray(input) && input.length > 0 && typeof input[0] === 'string');
    if (isText) {
      const tokenizer = this.tokenizer;
      if (!tokenizer)
        throw new ModelInputError(
          this.architecture,
          'text input needs a tokenizer; pass token ids or set model.tokenizer',
        );
      const texts = typeof input === 'string' ? [input] : (input as string[]);
      const encoded = texts.map((t) => tokenizer.encode(t));
      const T = Math.max(...encoded.map((e) => e.length));
      const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
      const ids = encoded.map((e) => [...e, ...new Array<number>(T - e.length).fill(pad)]);
      const maskRows = encoded.map((e) => [
        ...new Array<number>(e.length).fill(1),
        ...new Array<number>(T - e.length).fill(0),
      ]);
      const attentionMask = opts.attentionMask ?? maskRows;
      return { input: ids, opts: { ...opts, attentionMask }, mask: toTensor(attentionMask) };
    }
    if (opts.attentionMask !== undefined) return { input, opts, mask: toTensor(opts.attentionMask) };
    const pad = this.config.pad_token_id;
    if (this.pooling === 'last' && Number.isInteger(pad) && !(input instanceof tf.Tensor && input.rank === 4)) {
      const ids = toTensor(input as number[][] | number[] | tf.Tensor);
      const ids2d = ids.rank === 1 ? tf.reshape(ids, [1, -1]) : ids;
      return { input, opts, mask: tf.cast(tf.notEqual(ids2d, pad), 'int32') };
    }
    return { input, opts };
  }

  private checkAlive(): void {
    if (this.disposed) throw new ModelInputError(this.architecture, 'the model was disposed');
  }
}

function toTensor(value: number[][] | number[] | tf.Tensor): tf.Tensor {
  return value instanceof tf.Tensor ? value : tf.tensor(value as number[][], undefined, 'int32');
}

function withPrefix(layer: LayerInfo, prefix: string): LayerInfo {
  const out: LayerInfo = { ...layer, path: `${prefix}.${layer.path}` };
  if (layer.children) out.children = layer.children.map((c) => withPrefix(c, prefix));
  return out;
}

/** The backbone's config with the head's: architectures, labels, and the dropout / pooling that were used. */
function headConfig(parts: HeadModelParts): Record<string, any> {
  const { backbone, layout } = parts;
  const { architectures: _a, id2label: _b, label2id: _c, num_labels: _d, ...base } = backbone.config;
  const config: Record<string, any> = {
    ...base,
    model_type: backbone.modelType,
    architectures: [layout.architecture],
    num_labels: parts.numLabels,
    id2label: Object.fromEntries(parts.labels.map((name, id) => [String(id), name])),
    label2id: Object.fromEntries(parts.labels.map((name, id) => [name, id])),
  };
  if (layout.dropoutKey) config[layout.dropoutKey] = parts.dropout;
  if (layout.modelType === 'gpt2' && !Number.isInteger(config.pad_token_id)) {
    const pad = backbone.tokenizer?.padTokenId ?? backbone.tokenizer?.eosTokenId;
    if (pad !== undefined) config.pad_token_id = pad;
  }
  config.tunebook_head = { pooling: parts.pooling, dropout: parts.dropout, scalar: parts.scalar };
  return config;
}
