import * as tf from '@tensorflow/tfjs-core';
import { generate } from '../generate/generate';
import type { GenerateOptions, GenerateResult } from '../generate/types';
import type { Tokenizer } from '../io/tokenizer';
import type { Module } from './blocks';
import { toBatch } from './inputs';
import { describeLayers } from './layerInfo';
import type { ForwardOptions, LayerInfo, LoadReport, Model, ModelInput, ModelType } from './model';
import { ModelInputError } from './modelInputError';
import type { Network } from './network';
import type { ParamStore } from './params';
import { saveModel } from './saveModel';

export interface TransformerModelParts {
  config: Record<string, any>;
  modelType: ModelType;
  architecture: string;
  store: ParamStore;
  network: Network;
  tokenizer?: Tokenizer;
  /** tokenizer_config.json as loaded, written back by `save`. */
  tokenizerConfig?: object;
  preprocessorConfig?: object;
  loadReport?: LoadReport;
}

/** The `Model` every architecture is wrapped in: input handling, tidy, parameters, layers, generate, save. */
export class TransformerModel implements Model {
  readonly config: Record<string, any>;
  readonly modelType: ModelType;
  readonly architecture: string;
  tokenizer?: Tokenizer;
  tokenizerConfig?: object;
  preprocessorConfig?: object;
  readonly loadReport?: LoadReport;
  /** The architecture's forward functions and module tree (for the trainer, adapters and generation). */
  readonly network: Network;
  private readonly store: ParamStore;
  private disposed = false;

  constructor(parts: TransformerModelParts) {
    this.config = parts.config;
    this.modelType = parts.modelType;
    this.architecture = parts.architecture;
    this.store = parts.store;
    this.network = parts.network;
    this.tokenizer = parts.tokenizer;
    this.tokenizerConfig = parts.tokenizerConfig;
    this.preprocessorConfig = parts.preprocessorConfig;
    this.loadReport = parts.loadReport;
  }

  get params(): Map<string, tf.Variable> {
    return this.store.params;
  }

  /** Top-level modules of the tree (`transformer`, `lm_head`, ...), for code that walks or wraps modules. */
  get modules(): readonly Module[] {
    return this.network.modules;
  }

  logits(input: ModelInput, opts: ForwardOptions = {}): tf.Tensor {
    this.checkAlive();
    return tf.tidy(() =>
      this.network.output(toBatch(input, opts, this.network, this.architecture, this.tokenizer), ctxOf(opts)),
    );
  }

  hidden(input: ModelInput, opts: ForwardOptions = {}): tf.Tensor {
    this.checkAlive();
    return tf.tidy(() =>
      this.network.hidden(toBatch(input, opts, this.network, this.architecture, this.tokenizer), ctxOf(opts)),
    );
  }

  /** The pooler output [B, C] (BERT heads, `BertModel`, `ViTModel`). */
  pooled(input: ModelInput, opts: ForwardOptions = {}): tf.Tensor {
    this.checkAlive();
    const pooled = this.network.pooled;
    if (!pooled) throw new ModelInputError(this.architecture, 'this architecture has no pooler');
    return tf.tidy(() => pooled(toBatch(input, opts, this.network, this.architecture, this.tokenizer), ctxOf(opts)));
  }

  layers(): LayerInfo[] {
    return describeLayers(this.network.modules);
  }

  generate(prompt: string | number[], opts: GenerateOptions = {}): Promise<GenerateResult> {
    this.checkAlive();
    if (!this.network.causalLm) {
      return Promise.reject(
        new ModelInputError(
          this.architecture,
          'generate needs a causal language model (GPT2LMHeadModel); this model has no LM head',
        ),
      );
    }
    return generate(this.network.causalLm, this.architecture, this.tokenizer, prompt, opts);
  }

  save(dir: string): Promise<void> {
    this.checkAlive();
    return saveModel(this, dir);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()].filter((v) => v.trainable);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
  }

  private checkAlive(): void {
    if (this.disposed) throw new ModelInputError(this.architecture, 'the model was disposed');
  }
}

function ctxOf(opts: ForwardOptions) {
  return { training: opts.training === true };
}
