/**
 * What the adapters need from a built model beyond the public `Model` interface: the module tree, the network's
 * forward functions (to learn whether a pass is training), and a way to register new trainable variables under
 * Hugging Face-style names so the trainer, freeze and checkpoints see them like any other parameter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Embedding, Linear, type Module } from '../../models/blocks';
import type { Model } from '../../models/model';
import type { Network } from '../../models/network';
import { TransformerModel } from '../../models/transformerModel';
import { AdapterError } from './loraError';

export function transformerOf(model: Model, what: string): TransformerModel {
  if (!(model instanceof TransformerModel)) {
    throw new AdapterError(
      `${what} works on models from load() or create(); this ${model.architecture} model has no module tree to adapt`,
    );
  }
  return model;
}

/** Every module in pre-order. */
export function allModules(model: TransformerModel): Module[] {
  const out: Module[] = [];
  const visit = (m: Module) => {
    out.push(m);
    m.children().forEach(visit);
  };
  model.modules.forEach(visit);
  return out;
}

export function linearModules(model: TransformerModel): Linear[] {
  return allModules(model).filter((m): m is Linear => m instanceof Linear);
}

/** The token embedding table (`transformer.wte`, `*.embeddings.word_embeddings`). */
export function wordEmbedding(model: TransformerModel): Embedding {
  const found = allModules(model).find(
    (m): m is Embedding => m instanceof Embedding && /(^|\.)(wte|word_embeddings)$/.test(m.path),
  );
  if (!found) throw new AdapterError(`${model.architecture} has no token embedding table`);
  return found;
}

/** Adds a child under `parent` so it shows in `layers()` (the tree is built once; adapters extend it). */
export function attachChild(parent: Module, child: Module): void {
  (parent as unknown as { modules: Module[] }).modules.push(child);
}

export function detachChild(parent: Module, child: Module): void {
  const list = (parent as unknown as { modules: Module[] }).modules;
  const i = list.indexOf(child);
  if (i >= 0) list.splice(i, 1);
}

/** A new float32 variable registered in `model.params` under `name` (tfjs names stay globally unique). */
export function registerParam(
  model: TransformerModel,
  name: string,
  value: tf.Tensor,
  trainable: boolean,
): tf.Variable {
  if (model.params.has(name)) throw new AdapterError(`the model already has a parameter ${name}`);
  const first = model.params.values().next().value as tf.Variable | undefined;
  const prefix = first ? first.name.split('/')[0] : 'adapter';
  const variable = tf.variable(value, trainable, `${prefix}/${name}`, 'float32');
  model.params.set(name, variable);
  return variable;
}

export function unregisterParam(model: TransformerModel, name: string): void {
  const v = model.params.get(name);
  if (v) {
    model.params.delete(name);
    v.dispose();
  }
}

/** Whether the forward pass now running was asked for `training: true` (dropout on). */
export interface ForwardMode {
  training: boolean;
}

const modes = new WeakMap<Network, ForwardMode>();

/**
 * Wraps the network's entry points once so adapters can read the current pass's `training` switch
 * (`Linear.forward` is called without it).
 */
export function forwardMode(model: TransformerModel): ForwardMode {
  const net = model.network as Network & Record<string, unknown>;
  let mode = modes.get(net);
  if (mode) return mode;
  const state: ForwardMode = { training: false };
  for (const key of ['output', 'hidden', 'pooled'] as const) {
    const original = net[key];
    if (typeof original !== 'function') continue;
    (net as Record<string, unknown>)[key] = (batch: unknown, ctx: { training: boolean }) => {
      const previous = state.training;
      state.training = ctx.training;
      try {
        return (original as (b: unknown, c: unknown) => unknown).call(net, batch, ctx);
      } finally {
        state.training = previous;
      }
    };
  }
  modes.set(net, state);
  mode = state;
  return mode;
}

/** Linear layers whose float weight was replaced by a quantised copy (their `weight` variable is disposed). */
export const quantizedLinears = new WeakSet<Linear>();
