/**
 * One training step's real memory on the tfjs `cpu` backend, for checking and calibrating
 * kernel/engine/train/memory.ts: builds a random model from a config, applies the method, runs forward + loss +
 * backward (tf.variableGrads, as the trainer does) on random inputs and reports the peak of live buffer bytes
 * above what was live before the step (gradients of the trainable parameters included).
 */
import * as tf from '@tensorflow/tfjs-core';
import { meterCpuBuffers } from './cpuBufferMeter';
import { installCpuScatterAdd } from './cpuScatterAdd';
import { create } from '../kernel/engine/models/create';
import type { Model } from '../kernel/engine/models/model';
import { causalLmLossSum, classificationLossSum } from '../kernel/engine/train/loss';
import { lora } from '../kernel/engine/tuners/lora/inject';
import { qlora } from '../kernel/engine/tuners/qlora/qlora';
import type { TrainingMethod } from '../kernel/engine/train/memory';

export interface StepShape {
  batchSize: number;
  /** Tokens per example (text models); ViT takes its image size from the config. */
  sequenceLength: number;
}

export interface MeasuredStep {
  /** Peak live bytes during the step above the bytes live before it. */
  stepPeakBytes: number;
  trainableParams: number;
  model: Model;
}

/** Builds the model and applies `method` ('frozen': only the head — classifier, or GPT-2's LM head — trains). */
export function buildForMethod(config: Record<string, unknown>, method: TrainingMethod, loraRank = 8): Model {
  const model = create(config, { seed: 0 });
  if (method === 'lora') lora(model, { r: loraRank, seed: 0 });
  if (method === 'qlora') qlora(model, { r: loraRank, seed: 0 });
  if (method === 'frozen') {
    for (const [name, v] of model.params)
      v.trainable =
        /(^|\.)(classifier|pre_classifier|lm_head)\./.test(name) ||
        (model.modelType === 'gpt2' && name === 'transformer.wte.weight');
  }
  return model;
}

export function measureStep(model: Model, shape: StepShape): MeasuredStep {
  const vars = model.trainableVariables();
  const { batchSize: B, sequenceLength: T } = shape;
  const cfg = model.config;
  const vocab = Number(cfg.vocab_size ?? 2);
  const ids = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 131 + t * 17) % vocab));
  const labels = ids.map((_, b) => b % 2);
  const pixels =
    model.modelType === 'vit'
      ? (tf.randomNormal([B, Number(cfg.image_size), Number(cfg.image_size), 3]) as tf.Tensor4D)
      : undefined;
  installCpuScatterAdd();
  const meter = meterCpuBuffers();
  try {
    meter.resetPeak();
    const before = meter.liveBytes;
    const { value, grads } = tf.variableGrads(() => {
      if (pixels) return classificationLossSum(model.logits(pixels, { training: true }), labels);
      const logits = model.logits(ids, { training: true });
      return model.modelType === 'gpt2' ? causalLmLossSum(logits, ids) : classificationLossSum(logits, labels);
    }, vars);
    const stepPeakBytes = meter.peakBytes - before;
    value.dispose();
    tf.dispose(grads);
    return { stepPeakBytes, trainableParams: vars.reduce((n, v) => n + v.size, 0), model };
  } finally {
    meter.stop();
    pixels?.dispose();
  }
}
