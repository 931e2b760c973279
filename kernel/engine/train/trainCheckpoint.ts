/**
 * Saves and restores what a training run needs to continue exactly where it stopped: the model's weights by
 * Hugging Face name, AdamW's moments (keyed by the same names, so a new process with new variable ids can load
 * them), and the trainer state (step, RNG, schedule, best metric, logs). Uses checkpoint.ts for the files.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorEntry } from '../io/safetensors';
import type { Model } from '../models/model';
import { loadCheckpoint, saveCheckpoint, type CheckpointTensor, type TrainerState } from './checkpoint';
import type { AdamW, AdamWState } from './optim';
import { TrainerError } from './trainerError';

const OPTIMIZER_NAME = 'adamw';

export async function writeTrainingCheckpoint(
  dir: string,
  model: Model,
  optimizer: AdamW,
  trainerState: TrainerState,
): Promise<void> {
  const hfName = new Map([...model.params].map(([name, v]) => [v.name, name]));
  // the moments go as tensors: saveCheckpoint reads them back asynchronously, as a GPU backend needs
  const state = optimizer.snapshot();
  const slots = new Map<string, Record<string, CheckpointTensor>>();
  for (const [variableName, moment] of state.slots) {
    const name = hfName.get(variableName);
    if (name === undefined)
      throw new TrainerError(`internal: the optimizer holds state for ${variableName}, which is not a model parameter`);
    slots.set(name, { exp_avg: moment.exp_avg, exp_avg_sq: moment.exp_avg_sq });
  }
  const hyperparameters = state.hyperparameters;
  await saveCheckpoint(dir, {
    weights: model.params as Map<string, CheckpointTensor>,
    optimizer: { name: OPTIMIZER_NAME, step: state.step, hyperparameters, slots },
    trainerState,
    extraFiles: {
      'config.json': { ...model.config, model_type: model.modelType, architectures: [model.architecture] },
    },
  });
}

/** Loads `dir` into the model and optimizer; checks everything before changing anything. */
export async function restoreTrainingCheckpoint(dir: string, model: Model, optimizer: AdamW): Promise<TrainerState> {
  const loaded = await loadCheckpoint(dir);
  const updates: Array<[tf.Variable, TensorEntry]> = [];
  for (const [name, variable] of model.params) {
    const entry = loaded.weights.get(name);
    if (!entry) throw new TrainerError(`checkpoint ${dir} has no weight ${name}: it was saved from a different model`);
    checkShape(entry, variable.shape, `checkpoint ${dir}: weight ${name}`);
    if (!(entry.data instanceof Float32Array))
      throw new TrainerError(`checkpoint ${dir}: weight ${name} is ${entry.dtype}, not F32`);
    updates.push([variable, entry]);
  }
  const unknown = [...loaded.weights.keys()].filter((name) => !model.params.has(name));
  if (unknown.length > 0)
    throw new TrainerError(
      `checkpoint ${dir} has weights the model lacks (${unknown.slice(0, 5).join(', ')}): it was saved from a different model`,
    );

  let optimizerState: AdamWState | undefined;
  if (loaded.optimizer) {
    if (loaded.optimizer.name !== OPTIMIZER_NAME)
      throw new TrainerError(`checkpoint ${dir} holds ${loaded.optimizer.name} state; the trainer uses AdamW`);
    const h = loaded.optimizer.hyperparameters;
    optimizerState = {
      kind: 'AdamW',
      step: loaded.optimizer.step,
      hyper: {
        lr: h.lr ?? optimizer.learningRate,
        betas: optimizer.betas,
        eps: optimizer.eps,
        weightDecay: optimizer.weightDecay,
      },
      moments: [...loaded.optimizer.slots].map(([name, slot]) => {
        const variable = model.params.get(name);
        if (!variable)
          throw new TrainerError(`checkpoint ${dir} has optimizer state for ${name}, which the model lacks`);
        if (!slot.exp_avg || !slot.exp_avg_sq)
          throw new TrainerError(`checkpoint ${dir}: optimizer state of ${name} lacks exp_avg / exp_avg_sq`);
        checkShape(slot.exp_avg, variable.shape, `checkpoint ${dir}: optimizer state of ${name}`);
        checkShape(slot.exp_avg_sq, variable.shape, `checkpoint ${dir}: optimizer state of ${name}`);
        return {
          name: variable.name,
          shape: variable.shape.slice(),
          m: slot.exp_avg.data as Float32Array,
          v: slot.exp_avg_sq.data as Float32Array,
        };
      }),
    };
  }
  for (const [variable, entry] of updates)
    tf.tidy(() => variable.assign(tf.tensor(entry.data as Float32Array, entry.shape, 'float32')));
  if (optimizerState) optimizer.loadState(optimizerState);
  return loaded.trainerState;
}

function checkShape(entry: { shape: number[] }, shape: readonly number[], what: string): void {
  if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
    throw new TrainerError(`${what} has shape [${entry.shape.join(', ')}], the model's is [${shape.join(', ')}]`);
  }
}
