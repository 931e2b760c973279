import type * as tf from '@tensorflow/tfjs-core';
import type { Tokenizer } from '../io/tokenizer';
import type { GenerateOptions, GenerateResult } from '../generate/types';

export type ModelType = 'gpt2' | 'distilbert' | 'bert' | 'vit';

/**
 * What `logits` / `hidden` take. Text models: token ids as `number[][]` (or one `number[]`), an int tensor
 * `[batch, seq]`, or text (`string` / `string[]`, needs a tokenizer; several strings are right-padded and
 * masked). ViT: a float `tf.Tensor4D` `[batch, height, width, 3]`, NHWC, already preprocessed.
 */
export type ModelInput = number[][] | number[] | tf.Tensor | string | string[];

export interface ForwardOptions {
  /** 1 = attend, 0 = padding; `[batch, seq]`. Encoders mask padded keys; GPT-2 combines it with the causal mask. */
  attentionMask?: number[][] | tf.Tensor;
  /** BERT only: segment ids `[batch, seq]`, default all 0 (as Hugging Face). */
  tokenTypeIds?: number[][] | tf.Tensor;
  /**
   * GPT-2 and BERT: explicit position ids `[batch, seq]`. Default is `0..seq-1` for every row even when an
   * attention mask is given, exactly as Hugging Face's forward does (only HF's `generate` derives positions
   * from the mask).
   */
  positionIds?: number[][] | tf.Tensor;
  /** Apply dropout with the config's rates (for training). Default false: deterministic inference. */
  training?: boolean;
}

export interface LayerInfo {
  /** Module path mirroring Hugging Face parameter names, e.g. `transformer.h.3.attn.c_attn`. */
  path: string;
  /** Module class, e.g. `Linear`, `Conv1D`, `LayerNorm`, `GPT2Block`. */
  kind: string;
  /** Parameters in this subtree (a parameter shared by two modules, like a tied head, counts where it is owned). */
  params: number;
  /** Of those, how many belong to trainable variables. */
  trainableParams: number;
  /** True when the subtree has parameters and all of them are trainable. */
  trainable: boolean;
  children?: LayerInfo[];
}

export interface LoadReport {
  /** Parameters the checkpoint did not have; they were freshly initialised (e.g. a new classification head). */
  initialized: string[];
  /** Checkpoint tensors the architecture does not use (e.g. `cls.predictions.*`, attention buffers). */
  ignored: string[];
  /** Which checkpoint spelling each parameter came from when it differed from the canonical name. */
  renamed: Array<{ from: string; to: string }>;
}

export interface Model {
  readonly config: Record<string, any>;
  readonly modelType: ModelType;
  /** The head in use, e.g. `GPT2LMHeadModel`, `BertModel`. */
  readonly architecture: string;
  tokenizer?: Tokenizer;
  preprocessorConfig?: object;
  /** Parameters by Hugging Face name (as `save` writes them); a tied head has no entry of its own. */
  readonly params: Map<string, tf.Variable>;
  /** Set by `load`. */
  readonly loadReport?: LoadReport;

  /** Causal LM: `[batch, seq, vocab]`; classifiers: `[batch, numLabels]`; bare backbones: the last hidden states. */
  logits(input: ModelInput, opts?: ForwardOptions): tf.Tensor;
  /** Last hidden states `[batch, seq, hidden]` (after GPT-2's `ln_f` / ViT's final layernorm). */
  hidden(input: ModelInput, opts?: ForwardOptions): tf.Tensor;
  layers(): LayerInfo[];
  generate(prompt: string | number[], opts?: GenerateOptions): Promise<GenerateResult>;
  save(dir: string): Promise<void>;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}
