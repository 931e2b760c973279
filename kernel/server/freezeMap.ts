/**
 * Kernel side of the freeze map: answers a held model's layers and applies freeze/unfreeze to it (the model
 * list and its change notices are models.ts). The engine is never loaded here: models only exist once a cell
 * loaded it, and it is asked for then.
 */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import type { FreezeSummary } from '../engine/tuners/freeze';
import {
  ModelLayersRequest,
  FreezeMapErrorCode,
  ModelSetTrainableRequest,
  type ModelLayer,
  type ModelLayersResult,
  type ModelSetTrainableParams,
  type ModelSetTrainableResult,
} from '../protocol';
import type { FreezeMapEngine } from './engineSurface';
import { heldModels, summarizeModel, type HeldModel } from './heldModels';
import { withTrainingStats } from './layerTrainingStats';

export interface FreezeMapDeps {
  /** Names the notebook's cells declared so far. */
  globalNames(): readonly string[];
  /** The engine's exports if a cell already loaded it, else undefined. */
  loadedEngine(): Partial<FreezeMapEngine> | undefined;
  /** Where the globals live (default globalThis). */
  scope?: object;
}

/** Registers the freeze map's requests. */
export function registerFreezeMap(
  connection: Pick<MessageConnection, 'onRequest'>,
  deps: FreezeMapDeps,
): FreezeMapHandlers {
  const handlers = new FreezeMapHandlers(deps);
  connection.onRequest(ModelLayersRequest.type, (params) => handlers.layers(params?.model));
  connection.onRequest(ModelSetTrainableRequest.type, (params) => handlers.setTrainable(params));
  return handlers;
}

export class FreezeMapHandlers {
  constructor(private readonly deps: FreezeMapDeps) {}

  private held(): HeldModel[] {
    return heldModels(this.deps.globalNames(), this.deps.scope ?? globalThis);
  }

  private find(name: unknown): HeldModel {
    const held = this.held();
    const found = typeof name === 'string' ? held.find((m) => m.name === name) : undefined;
    if (!found) {
      const known = held.length
        ? `the notebook holds: ${held.map((m) => m.name).join(', ')}`
        : 'the notebook holds no model now';
      throw new ResponseError(
        FreezeMapErrorCode.noSuchModel,
        `No model named ${JSON.stringify(name)} in the kernel (${known}).`,
      );
    }
    return found;
  }

  layers(name: unknown): ModelLayersResult {
    return this.layersOf(this.find(name));
  }

  private layersOf(held: HeldModel): ModelLayersResult {
    const layers = held.model.layers().map(plainLayer);
    const stats = this.deps.loadedEngine()?.trainingStats?.(held.model);
    return { model: summarizeModel(held), layers: stats ? withTrainingStats(layers, stats) : layers };
  }

  setTrainable(params: ModelSetTrainableParams): ModelSetTrainableResult {
    const held = this.find(params?.model);
    if (
      !Array.isArray(params.paths) ||
      params.paths.length === 0 ||
      params.paths.some((p) => typeof p !== 'string' || p === '')
    ) {
      throw new ResponseError(
        FreezeMapErrorCode.badSelector,
        `model/setTrainable needs a non-empty list of module paths, got ${JSON.stringify(params.paths)}.`,
      );
    }
    const engine = this.deps.loadedEngine();
    const apply = params.trainable ? engine?.unfreeze : engine?.freeze;
    if (!apply)
      throw new ResponseError(
        FreezeMapErrorCode.noSuchModel,
        'The Tunebook engine is not loaded in this kernel, so no model can be changed.',
      );
    let summary: FreezeSummary;
    try {
      summary = apply(held.model, params.paths);
    } catch (error) {
      throw new ResponseError(FreezeMapErrorCode.badSelector, error instanceof Error ? error.message : String(error));
    }
    return { ...this.layersOf(held), changedParams: summary.changedParams };
  }
}

/** A copy with only the protocol's fields (layers() may carry more, and must not leak live objects). */
function plainLayer(layer: ModelLayer): ModelLayer {
  const plain: ModelLayer = {
    path: layer.path,
    kind: layer.kind,
    params: layer.params,
    trainableParams: layer.trainableParams,
    trainable: layer.trainable,
  };
  if (layer.children?.length) plain.children = layer.children.map(plainLayer);
  return plain;
}
