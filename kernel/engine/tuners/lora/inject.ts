/**
 * `lora(model, options)`: wraps the targeted Linear / Conv1D layers with LoRA adapters and freezes everything else
 * (except `modulesToSave`, trained in full), so only A and B (and those modules) train. Also merge / unmerge,
 * running with adapters switched off, and the list of adapters for the freeze-map panel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../../models/model';
import type { TransformerModel } from '../../models/transformerModel';
import { freeze, unfreeze } from '../freeze';
import { isModuleToSave, isTarget, resolveLoraConfig, type LoraConfig, type LoraOptions } from './config';
import { initLoraA, LoraAdapterModule, LoraLayer, type AdapterSwitches } from './layer';
import { AdapterError } from './loraError';
import {
  allModules,
  attachChild,
  detachChild,
  unregisterParam,
  forwardMode,
  linearModules,
  quantizedLinears,
  registerParam,
  transformerOf,
} from './modelAccess';

export interface LoraState {
  config: LoraConfig;
  layers: LoraLayer[];
  switches: AdapterSwitches;
  /** Module paths trained in full and saved with the adapter. */
  modulesToSave: string[];
  /** Trainable flags before injection, restored by `removeLora`. */
  trainableBefore: Map<tf.Variable, boolean>;
}

const states = new WeakMap<Model, LoraState>();

export function loraState(model: Model): LoraState | undefined {
  return states.get(model);
}

export function requireLora(model: Model, what: string): LoraState {
  const state = states.get(model);
  if (!state) throw new AdapterError(`${what}: this model has no LoRA adapters; call lora(model, options) first`);
  return state;
}

export interface LoraSummary {
  /** Paths of the wrapped layers. */
  adapted: string[];
  modulesToSave: string[];
  trainableParams: number;
  totalParams: number;
}

export function lora(model: Model, options: LoraOptions = {}): LoraSummary {
  const tm = transformerOf(model, 'lora');
  if (states.has(model))
    throw new AdapterError('this model already has LoRA adapters; load a fresh model to add another set');
  const config = resolveLoraConfig(options, tm.modelType, tm.architecture);
  const modulesToSave = allModules(tm)
    .filter((m) => m.path !== '' && isModuleToSave(m.path, config.modulesToSave))
    .map((m) => m.path);
  const targets = linearModules(tm).filter((l) => isTarget(l.path, config) && !modulesToSave.includes(l.path));
  if (targets.length === 0) {
    const examples = [...new Set(linearModules(tm).map((l) => l.path.split('.').pop()))].join(', ');
    throw new AdapterError(
      `LoRA targets ${JSON.stringify(config.targets)}${config.layers ? ` in layers ${config.layers}` : ''} match no Linear/Conv1D layer; this model's are named ${examples}`,
    );
  }
  const trainableBefore = new Map([...tm.params.values()].map((v) => [v, v.trainable] as [tf.Variable, boolean]));
  const switches: AdapterSwitches = { disabled: false, mode: forwardMode(tm) };
  const layers: LoraLayer[] = [];
  let seed = config.seed;
  for (const linear of targets) {
    const names = LoraLayer.paramNames(linear.path);
    const a = initLoraA(config.r, linear.inFeatures, seed === undefined ? undefined : seed++);
    const b = tf.zeros([linear.outFeatures, config.r], 'float32');
    const loraA = registerParam(tm, names.a, a, true);
    const loraB = registerParam(tm, names.b, b, true);
    tf.dispose([a, b]);
    layers.push(new LoraLayer(linear, loraA, loraB, config.r, config.alpha, config.dropout, switches));
    attachChild(linear, new LoraAdapterModule(names.a.replace(/\.weight$/, ''), loraA));
    attachChild(linear, new LoraAdapterModule(names.b.replace(/\.weight$/, ''), loraB));
  }
  freezeAllBut(tm, [...layers.flatMap((l) => [l.loraA, l.loraB])], modulesToSave);
  states.set(model, { config, layers, switches, modulesToSave, trainableBefore });
  let trainableParams = 0;
  let totalParams = 0;
  for (const v of tm.params.values()) {
    totalParams += v.size;
    if (v.trainable) trainableParams += v.size;
  }
  return { adapted: layers.map((l) => l.path), modulesToSave, trainableParams, totalParams };
}

function freezeAllBut(model: TransformerModel, keep: tf.Variable[], modulesToSave: string[]): void {
  freeze(model, '**');
  for (const v of keep) v.trainable = true;
  if (modulesToSave.length > 0) unfreeze(model, modulesToSave);
}

/** Folds every adapter into its base weight (inference without the extra matmuls). */
export function merge(model: Model): void {
  const state = requireLora(model, 'merge');
  for (const layer of state.layers) {
    if (quantizedLinears.has(layer.linear))
      throw new AdapterError(`merge: ${layer.path} is quantised; a QLoRA model keeps its adapters separate`);
  }
  state.layers.forEach((l) => l.merge());
}

/** Takes the adapters back out of the base weights. */
export function unmerge(model: Model): void {
  requireLora(model, 'unmerge').layers.forEach((l) => l.unmerge());
}

/**
 * Runs `fn` with every adapter switched off, i.e. on the base model (e.g. a reference model for RLHF without a
 * second copy of the weights). Merged adapters are unmerged for the call and merged again after. Works for
 * synchronous and async `fn`; the adapters come back when it returns or its promise settles.
 */
export function withAdaptersDisabled<T>(model: Model, fn: () => T): T {
  const state = requireLora(model, 'withAdaptersDisabled');
  const wasMerged = state.layers.filter((l) => l.merged);
  const wasDisabled = state.switches.disabled;
  wasMerged.forEach((l) => l.unmerge());
  state.switches.disabled = true;
  const restore = () => {
    state.switches.disabled = wasDisabled;
    wasMerged.forEach((l) => l.merge());
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

export interface LoraLayerInfo {
  path: string;
  kind: 'LoraAdapter';
  r: number;
  alpha: number;
  scaling: number;
  inFeatures: number;
  outFeatures: number;
  fanInFanOut: boolean;
  params: number;
  trainable: boolean;
  merged: boolean;
}

/** The adapters, for the freeze-map panel (they also appear in `layers()` as `lora_A` / `lora_B` children). */
export function loraLayers(model: Model): LoraLayerInfo[] {
  const state = states.get(model);
  if (!state) return [];
  return state.layers.map((l) => ({
    path: l.path,
    kind: 'LoraAdapter',
    r: l.r,
    alpha: l.alpha,
    scaling: l.scaling,
    inFeatures: l.linear.inFeatures,
    outFeatures: l.linear.outFeatures,
    fanInFanOut: l.linear.layout === 'in_out',
    params: l.loraA.size + l.loraB.size,
    trainable: l.loraA.trainable && l.loraB.trainable,
    merged: l.merged,
  }));
}

/**
 * Takes the adapters out again (PEFT's `unload`): unmerges them, restores each layer's own forward and the
 * trainable flags from before `lora`, and disposes A and B.
 */
export function removeLora(model: Model): void {
  unload(model, 'removeLora', false);
}

/** PEFT's `merge_and_unload`: folds the adapters into the base weights for good and removes them (then `save` writes a plain model). */
export function mergeAndUnload(model: Model): void {
  merge(model);
  unload(model, 'mergeAndUnload', true);
}

function unload(model: Model, what: string, keepMerged: boolean): void {
  const state = requireLora(model, what);
  const tm = transformerOf(model, what);
  for (const layer of state.layers) {
    if (!keepMerged && !quantizedLinears.has(layer.linear)) layer.unmerge();
    layer.restore();
    for (const child of [...layer.linear.children()])
      if (child instanceof LoraAdapterModule) detachChild(layer.linear, child);
    const names = LoraLayer.paramNames(layer.path);
    unregisterParam(tm, names.a);
    unregisterParam(tm, names.b);
  }
  for (const [variable, trainable] of state.trainableBefore) if (!variable.isDisposed) variable.trainable = trainable;
  states.delete(model);
}
