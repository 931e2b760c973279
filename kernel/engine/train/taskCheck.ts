/** Checks, with one single-example forward pass, that the model's output fits the task before training starts. */
import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX } from '../data/encode/causalLm';
import type { Model } from '../models/model';
import type { PreparedData } from './trainData';
import { TrainerError } from './trainerError';

export function checkModelFitsTask(model: Model, data: PreparedData, what: string): void {
  const shape = tf.tidy(() => model.logits([data.examples[0].inputIds]).shape);
  if (data.task === 'classification') {
    if (shape.length !== 2) {
      throw new TrainerError(
        `${what} is classification data, which needs a model with a classification head (logits [batch, numLabels]); ` +
          `this ${model.architecture} gives [${shape.join(', ')}]. Add one with addClassificationHead(model, { numLabels }).`,
      );
    }
    const numLabels = shape[1];
    const maxLabel = data.examples.reduce((m, e) => Math.max(m, e.label), 0);
    if (maxLabel >= numLabels) {
      throw new TrainerError(
        `${what} has label id ${maxLabel}, but the model's head has ${numLabels} labels; use a head with numLabels >= ${maxLabel + 1}`,
      );
    }
    return;
  }
  if (shape.length !== 3) {
    throw new TrainerError(
      `${what} is causal language-model data, which needs a model with an LM head (logits [batch, seq, vocab]); this ${model.architecture} gives [${shape.join(', ')}]`,
    );
  }
  const vocab = shape[2];
  const maxLabel = data.examples.reduce((m, e) => Math.max(m, ...e.labels.filter((l) => l !== IGNORE_INDEX)), 0);
  if (maxLabel >= vocab)
    throw new TrainerError(`${what} has label token ${maxLabel}, outside the model's ${vocab}-token vocabulary`);
}
