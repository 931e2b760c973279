/**
 * The models a notebook holds: its globals whose values are engine Models. Recognised by shape (the
 * engine is a separate bundle, so `instanceof` cannot work), without loading the engine.
 */
import type { Model } from '../engine/models/model';
import type { ModelSummary } from '../protocol';

export interface HeldModel {
  name: string;
  model: Model;
}

export function isEngineModel(value: unknown): value is Model {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof Model, unknown>>;
  return (
    typeof candidate.layers === 'function' &&
    candidate.params instanceof Map &&
    typeof candidate.modelType === 'string' &&
    typeof candidate.architecture === 'string'
  );
}

/** Globals among `names` (in order) that hold a model; a model held by two names is listed under each. */
export function heldModels(names: readonly string[], scope: object = globalThis): HeldModel[] {
  const found: HeldModel[] = [];
  for (const name of names) {
    let value: unknown;
    try {
      value = (scope as Record<string, unknown>)[name];
    } catch {
      continue; // a getter that throws is not a model
    }
    if (isEngineModel(value)) found.push({ name, model: value });
  }
  return found;
}

export function summarizeModel({ name, model }: HeldModel): ModelSummary {
  let params = 0;
  let trainableParams = 0;
  for (const variable of model.params.values()) {
    params += variable.size;
    if (variable.trainable) trainableParams += variable.size;
  }
  return { name, modelType: model.modelType, architecture: model.architecture, params, trainableParams };
}
