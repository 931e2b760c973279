/**
 * `estimateMemory(model, { batchSize, sequenceLength, method })`: the bytes one training step of this engine
 * holds at its peak, split into
 *   weights          float32 parameters (QLoRA: the quantised layers' NF4/int8 buffers instead)
 *   gradients        one float32 gradient per trainable parameter (AdamW needs all of them at once)
 *   optimizerState   AdamW's two moments per trainable parameter
 *   activations      what the gradient tape keeps between forward and the end of backward
 *   total            weights + gradients + optimizerState + max(activations, the optimizer's transient)
 *
 * Activations. tfjs keeps, until backward finishes, every tensor a recorded op saved for its gradient (for all
 * ops that ran while the tape was on, also inside frozen layers) plus the gradient of every tensor on the path
 * from a trainable variable to the loss (the tape never frees a consumed gradient before the end). Both are
 * per-token multiples of the block's widths, so per transformer block
 *     a·N·C + b·N·I + c·B·H·T²      (N = B·T tokens, C hidden, I MLP width, H heads, T tokens per example)
 * and outside the blocks  d·N·C + e·N·V + f·V·C  (embeddings, final norm, GPT-2's logits and cross-entropy over V,
 * and the word-embedding gradient's scatter-add temporaries over the [V, C] table).
 * a…f count the [N, C], [N, I], [B, H, T, T], [N, V] and [V, C] float32 tensors alive at the peak; they depend on the
 * block's op graph (pre-/post-LN, erf or tanh GELU, fused QKV) and on how far gradients flow (full and LoRA:
 * through every block; head only: saved tensors only). They were counted with bench/memoryCalibration.ts,
 * which measures the live typed-array bytes of one tfjs step on the cpu backend at small shapes and solves for
 * them; test/unit/kernel/engine/train/memory.test.ts checks the estimate against measurements at other shapes.
 * QLoRA dequantises each quantised weight inside the forward and matMul keeps that float32 copy for backward,
 * so its activations also hold 4 bytes per quantised weight: QLoRA saves resident weights, not peak memory.
 */
import type { Model } from '../models/model';
import { MemoryEstimateError } from './memoryEstimateError';
import { shapeOf, type TransformerShape } from './memoryShape';

export type TrainingMethod = 'full' | 'lora' | 'qlora' | 'frozen';

export interface MemoryEstimateOptions {
  batchSize: number;
  /** Tokens per example (text models; default the model's context). ViT: fixed by the image and patch sizes. */
  sequenceLength?: number;
  /**
   * 'full': every parameter trains; 'lora' / 'qlora': PEFT-default targets at rank `loraRank` (QLoRA: NF4
   * base weights of those targets); 'frozen': only the head trains. Default: what the model is set up for now
   * (its adapters, quantised layers and trainable flags).
   */
  method?: TrainingMethod;
  /** Default 8. */
  loraRank?: number;
}

export interface MemoryEstimate {
  method: TrainingMethod;
  batchSize: number;
  sequenceLength: number;
  totalParams: number;
  trainableParams: number;
  /** Weights held quantised (QLoRA). */
  quantizedParams: number;
  bytes: {
    weights: number;
    gradients: number;
    optimizerState: number;
    activations: number;
    optimizerTransient: number;
    total: number;
  };
}

/** Coefficients a…f of the activation formula above, per family and how far gradients flow. */
export interface ActivationCoefficients {
  perBlockHidden: number;
  perBlockMlp: number;
  perBlockScores: number;
  outsideHidden: number;
  outsideVocab: number;
  vocabTable: number;
}
export type GradientReach = 'all' | 'head';

// Counted by bench/memoryCalibration.ts (tfjs 4.22, cpu backend buffers with a direct scatter-add, as wasm and
// native run). GPT-2's head-only row equals its full row: the tied head's wte also feeds the blocks.
const COEFFICIENTS: Record<TransformerShape['modelType'], Record<GradientReach, ActivationCoefficients>> = {
  gpt2: {
    all: {
      perBlockHidden: 56.6,
      perBlockMlp: 19.9,
      perBlockScores: 5.2,
      outsideHidden: 15.7,
      outsideVocab: 12.9,
      vocabTable: 1.8,
    },
    head: {
      perBlockHidden: 56.6,
      perBlockMlp: 19.9,
      perBlockScores: 5.2,
      outsideHidden: 15.7,
      outsideVocab: 12.9,
      vocabTable: 1.8,
    },
  },
  distilbert: {
    all: {
      perBlockHidden: 54.5,
      perBlockMlp: 17,
      perBlockScores: 4,
      outsideHidden: 15.8,
      outsideVocab: 0,
      vocabTable: 1,
    },
    head: {
      perBlockHidden: 27.8,
      perBlockMlp: 7,
      perBlockScores: 2.1,
      outsideHidden: 6.5,
      outsideVocab: 0,
      vocabTable: 0,
    },
  },
  bert: {
    all: {
      perBlockHidden: 54.5,
      perBlockMlp: 17,
      perBlockScores: 4,
      outsideHidden: 17.8,
      outsideVocab: 0,
      vocabTable: 1,
    },
    head: {
      perBlockHidden: 28.2,
      perBlockMlp: 7,
      perBlockScores: 2,
      outsideHidden: 9.4,
      outsideVocab: 0,
      vocabTable: 0,
    },
  },
  vit: {
    all: {
      perBlockHidden: 53.1,
      perBlockMlp: 17,
      perBlockScores: 4,
      outsideHidden: 18.9,
      outsideVocab: 0,
      vocabTable: 0,
    },
    head: {
      perBlockHidden: 28.1,
      perBlockMlp: 7,
      perBlockScores: 2,
      outsideHidden: 10,
      outsideVocab: 0,
      vocabTable: 0,
    },
  },
};

const FLOAT = 4;
const NF4_BYTES_PER_WEIGHT = 0.5 + FLOAT / 64; // 4-bit codes + one float32 absmax per 64-weight block

export function estimateMemory(model: Model | Record<string, unknown>, options: MemoryEstimateOptions): MemoryEstimate {
  const shape = shapeOf(model);
  const batchSize = options.batchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new MemoryEstimateError(`estimateMemory: batchSize must be a positive integer, got ${batchSize}`);
  const sequenceLength = shape.fixedTokens ?? options.sequenceLength ?? shape.maxPositions;
  if (!Number.isSafeInteger(sequenceLength) || sequenceLength < 1) {
    throw new MemoryEstimateError(
      `estimateMemory: sequenceLength must be a positive integer, got ${options.sequenceLength}`,
    );
  }
  const rank = options.loraRank ?? 8;
  const live = isModel(model) ? currentSetup(model) : undefined;
  const method = options.method ?? live?.method ?? 'full';

  const loraParams = shape.layers * shape.loraTargets.reduce((n, [i, o]) => n + rank * (i + o), 0);
  const targetWeights = shape.layers * shape.loraTargets.reduce((n, [i, o]) => n + i * o, 0);
  let trainableParams: number;
  let quantizedParams = 0;
  let totalParams = shape.totalParams;
  if (live && options.method === undefined) {
    trainableParams = live.trainableParams;
    quantizedParams = live.quantizedParams;
    totalParams = live.floatParams + live.quantizedParams;
  } else if (method === 'full') trainableParams = shape.totalParams;
  else if (method === 'frozen') trainableParams = shape.headParams;
  else {
    trainableParams = loraParams + shape.headParams * (shape.lmHead ? 0 : 1);
    totalParams += loraParams;
    if (method === 'qlora') quantizedParams = targetWeights;
  }

  const weights = FLOAT * (totalParams - quantizedParams) + NF4_BYTES_PER_WEIGHT * quantizedParams;
  const gradients = FLOAT * trainableParams;
  const optimizerState = 2 * FLOAT * trainableParams;
  const reach = gradientReach(shape, method);
  const activations =
    activationBytes(shape, COEFFICIENTS[shape.modelType][reach], batchSize, sequenceLength) + FLOAT * quantizedParams;
  // the fused AdamW update of the largest trainable tensor: new parameter, m and v before the old ones go
  const largest =
    method === 'full'
      ? largestTensor(shape)
      : method === 'frozen'
        ? shape.headParams
        : Math.max(...shape.loraTargets.map(([i, o]) => rank * Math.max(i, o)));
  const optimizerTransient = 3 * FLOAT * largest;
  const total = weights + gradients + optimizerState + Math.max(activations, optimizerTransient);
  return {
    method,
    batchSize,
    sequenceLength,
    totalParams,
    trainableParams,
    quantizedParams,
    bytes: { weights, gradients, optimizerState, activations, optimizerTransient, total },
  };
}

function activationBytes(s: TransformerShape, k: ActivationCoefficients, B: number, T: number): number {
  const f = activationFeatures(s, B, T);
  return (
    FLOAT *
    (k.perBlockHidden * f.perBlockHidden +
      k.perBlockMlp * f.perBlockMlp +
      k.perBlockScores * f.perBlockScores +
      k.outsideHidden * f.outsideHidden +
      k.outsideVocab * f.outsideVocab +
      k.vocabTable * f.vocabTable)
  );
}

/** The float counts the coefficients multiply (blocks summed over layers); exported for bench/memoryCalibration.ts. */
export function activationFeatures(s: TransformerShape, B: number, T: number): ActivationCoefficients {
  const N = B * T;
  return {
    perBlockHidden: s.layers * N * s.hidden,
    perBlockMlp: s.layers * N * s.intermediate,
    perBlockScores: s.layers * B * s.heads * T * T,
    outsideHidden: N * s.hidden,
    outsideVocab: s.lmHead ? N * s.vocab : 0,
    vocabTable: s.vocab * s.hidden,
  };
}

/** How far gradients flow back: a head-only run stops at the head, except GPT-2's tied head (wte feeds the blocks). */
export function gradientReach(s: TransformerShape, method: TrainingMethod): GradientReach {
  return method === 'frozen' && !s.lmHead ? 'head' : 'all';
}

function largestTensor(s: TransformerShape): number {
  return Math.max(s.vocab * s.hidden, s.hidden * s.intermediate, 3 * s.hidden * s.hidden);
}

function isModel(m: Model | Record<string, unknown>): m is Model {
  return typeof (m as Model).trainableVariables === 'function';
}

/** The method a built model is set up for: adapters present → lora (qlora when base weights are quantised). */
function currentSetup(model: Model): {
  method: TrainingMethod;
  trainableParams: number;
  floatParams: number;
  quantizedParams: number;
} {
  let trainableParams = 0;
  let floatParams = 0;
  let adapters = false;
  for (const [name, v] of model.params) {
    floatParams += v.size;
    if (v.trainable) trainableParams += v.size;
    if (name.includes('lora_A.')) adapters = true;
  }
  const quantizedParams = Math.max(0, shapeOf(model).totalParams - (floatParams - adapterParams(model)));
  const method: TrainingMethod = adapters
    ? quantizedParams > 0
      ? 'qlora'
      : 'lora'
    : trainableParams === floatParams
      ? 'full'
      : 'frozen';
  return { method, trainableParams, floatParams, quantizedParams };
}

function adapterParams(model: Model): number {
  let n = 0;
  for (const [name, v] of model.params) if (name.includes('lora_A.') || name.includes('lora_B.')) n += v.size;
  return n;
}
