import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Module } from './blocks';

/** Model inputs after validation, as tensors (created inside the caller's tidy). */
export interface Batch {
  /** [B, T] int32 */
  ids?: tf.Tensor2D;
  /** [B, T] (1 keep / 0 pad) */
  attentionMask?: tf.Tensor2D;
  /** [B, T] int32 */
  tokenTypeIds?: tf.Tensor2D;
  /** [B, T] int32 */
  positionIds?: tf.Tensor2D;
  /** [B, H, W, C] float32, NHWC */
  pixels?: tf.Tensor4D;
  /** Position that first-token pooling ([CLS]) reads; default 0. A soft prompt in front of the tokens moves it. */
  clsPosition?: number;
}

/** One layer's cached keys and values, [B, H, T_past, D] each. */
export interface KeyValue {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

/** Incremental decoding with a KV cache (causal LMs only). */
export interface CausalLm {
  readonly maxPositions: number;
  readonly vocabSize: number;
  readonly eosTokenIds: number[];
  /**
   * ids [B, T] continuing a sequence whose keys/values are in `past` → logits of the last position [B, V] and the
   * cache extended by T positions. Call inside a tidy and keep what it returns.
   */
  step(ids: tf.Tensor2D, past: KeyValue[] | undefined): { lastLogits: tf.Tensor2D; present: KeyValue[] };
}

/** What an architecture file builds: its module tree and forward functions. */
export interface Network {
  readonly inputKind: 'tokens' | 'pixels';
  /** Top-level modules, paths mirroring the checkpoint. */
  readonly modules: Module[];
  /** Token models: vocabulary size (ids must be below it) and the longest sequence. */
  readonly vocabSize?: number;
  readonly maxPositions?: number;
  /** Pixel models: expected image size and channels. */
  readonly imageSize?: number;
  readonly numChannels?: number;
  /** Last hidden states [B, T, C]. */
  hidden(batch: Batch, ctx: ForwardContext): tf.Tensor;
  /** The head's output: [B, T, V] for an LM, [B, numLabels] for a classifier, hidden states for a bare backbone. */
  output(batch: Batch, ctx: ForwardContext): tf.Tensor;
  /** The pooler output [B, C] where the architecture has one. */
  pooled?(batch: Batch, ctx: ForwardContext): tf.Tensor;
  causalLm?: CausalLm;
}
