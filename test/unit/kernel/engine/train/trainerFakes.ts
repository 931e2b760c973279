// Test support for the trainer: two tiny hand-written models implementing `Model`, mirrored in
// fixtures/make_trainer_golden.py, and a loader for the golden file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, LayerInfo, Model, ModelInput } from '../../../../../kernel/engine/models/model';

export interface GoldenTensor {
  shape: number[];
  values: number[];
}

export interface GoldenRun {
  kind: 'classification' | 'causal-lm';
  options: Record<string, any>;
  examples: any[];
  init: Record<string, GoldenTensor>;
  log: { step: number; loss: number; learningRate: number; gradNorm: number }[];
  final: Record<string, number[]>;
}

export function trainerGolden(): any {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'trainer_golden.json'), 'utf8'));
}

export function goldenTensor(t: GoldenTensor): tf.Tensor {
  return tf.tensor(t.values, t.shape, 'float32');
}

let fakeCounter = 0;

/** A model whose logits are computed by `forward` from plain HF-named variables. */
abstract class FakeModel implements Model {
  readonly modelType = 'gpt2' as const;
  abstract readonly architecture: string;
  readonly params = new Map<string, tf.Variable>();
  forwardCalls = 0;

  constructor(
    readonly config: Record<string, any>,
    init: Record<string, GoldenTensor>,
  ) {
    const uid = `fake${++fakeCounter}`;
    for (const [name, t] of Object.entries(init)) {
      this.params.set(name, tf.variable(tf.tensor(t.values, t.shape, 'float32'), true, `${uid}/${name}`));
    }
  }

  protected abstract forward(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor;

  logits(input: ModelInput, opts: ForwardOptions = {}): tf.Tensor {
    this.forwardCalls++;
    return tf.tidy(() => {
      const ids = tf.tensor2d(input as number[][], undefined, 'int32');
      const mask = opts.attentionMask
        ? tf.tensor2d(opts.attentionMask as number[][], undefined, 'int32')
        : tf.onesLike(ids);
      return this.forward(ids, mask as tf.Tensor2D);
    });
  }
  hidden(): tf.Tensor {
    throw new Error('not used');
  }
  layers(): LayerInfo[] {
    return [...this.params].map(([name, v]) => ({
      path: name.replace(/\.[^.]+$/, ''),
      kind: 'Fake',
      params: v.size,
      trainableParams: v.trainable ? v.size : 0,
      trainable: v.trainable,
    }));
  }
  generate(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  save(): Promise<void> {
    return Promise.reject(new Error('not used'));
  }
  trainableVariables(): tf.Variable[] {
    return [...this.params.values()].filter((v) => v.trainable);
  }
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

/** logits = mean of embed[ids] over unmasked tokens, times classifier.weight^T, plus classifier.bias → [B, C] */
export class BagClassifier extends FakeModel {
  readonly architecture = 'FakeBagClassifier';
  protected forward(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor {
    const m = tf.expandDims(tf.cast(mask, 'float32'), -1); // [B, T, 1]
    const h = tf.div(tf.sum(tf.mul(tf.gather(this.params.get('embed.weight')!, ids), m), 1), tf.sum(m, 1)); // [B, D]
    return tf.add(
      tf.matMul(h, this.params.get('classifier.weight')!, false, true),
      this.params.get('classifier.bias')!,
    );
  }
}

/** logits[b, t] = embed[ids[b, t]] times lm_head.weight^T → [B, T, V] */
export class TokenLm extends FakeModel {
  readonly architecture = 'FakeTokenLm';
  protected forward(ids: tf.Tensor2D): tf.Tensor {
    const [B, T] = ids.shape;
    const e = tf.reshape(tf.gather(this.params.get('embed.weight')!, ids), [B * T, -1]);
    const w = this.params.get('lm_head.weight')!;
    return tf.reshape(tf.matMul(e, w, false, true), [B, T, w.shape[0]]);
  }
}

/** A model that forwards to `inner` and runs `onForward(callNumber)` before each forward pass. */
export function withForwardHook(inner: Model, onForward: (call: number) => void): Model {
  let calls = 0;
  return {
    get config() {
      return inner.config;
    },
    modelType: inner.modelType,
    architecture: inner.architecture,
    tokenizer: inner.tokenizer,
    get params() {
      return inner.params;
    },
    logits(input, opts) {
      onForward(++calls);
      return inner.logits(input, opts);
    },
    hidden: (input, opts) => inner.hidden(input, opts),
    layers: () => inner.layers(),
    generate: (p, o) => inner.generate(p, o),
    save: (dir) => inner.save(dir),
    trainableVariables: () => inner.trainableVariables(),
    dispose: () => inner.dispose(),
  };
}

export async function snapshot(model: Model): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.params) out.set(name, Float32Array.from((await v.data()) as Float32Array));
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Tiny configs for the real architectures. */
export const TINY_GPT2 = { model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 16, vocab_size: 24, n_positions: 32 };
export const TINY_DISTILBERT = {
  model_type: 'distilbert',
  n_layers: 2,
  n_heads: 2,
  dim: 16,
  hidden_dim: 32,
  vocab_size: 24,
  max_position_embeddings: 32,
};
