/** The freeze map panel: a held model's layer tree, and freezing or unfreezing its modules. */
import { RequestType } from 'vscode-jsonrpc';
import type { ModelSummary } from './models';

/** A node of a model's layer tree (`layers()` of kernel/engine/models/model.ts) as sent over the wire. */
export interface ModelLayer {
  path: string;
  kind: string;
  params: number;
  trainableParams: number;
  trainable: boolean;
  children?: ModelLayer[];
  /** What the subtree's parameters did in the model's last `train()` run; absent when it was never trained in this kernel. */
  trainingStats?: LayerTrainingStats;
}

/** Aggregated over a subtree's parameters (a tied head without parameters of its own has none). */
export interface LayerTrainingStats {
  /** sqrt(Σ over its parameters of (mean gradient L2 norm over the optimizer steps)²). */
  gradNorm: number;
  /** ‖W_end − W_start‖ / ‖W_start‖ over all its parameters together (‖W_end‖ when they started at zero). */
  weightChange: number;
}

export interface ModelLayersParams {
  /** The global's name (ModelSummary.name). */
  model: string;
}
export interface ModelLayersResult {
  model: ModelSummary;
  layers: ModelLayer[];
}
/** Client -> kernel: a model's `layers()`. Fails (code FreezeMapErrorCode.noSuchModel) when the global holds no model. */
export namespace ModelLayersRequest {
  export const method = 'model/layers' as const;
  export const type = new RequestType<ModelLayersParams, ModelLayersResult, void>(method);
}

export interface ModelSetTrainableParams {
  model: string;
  /** Module paths or globs, as `freeze(model, paths)` takes them. */
  paths: string[];
  /** true: `unfreeze`, false: `freeze`. */
  trainable: boolean;
}
export interface ModelSetTrainableResult extends ModelLayersResult {
  /** Parameters whose flag this call changed. */
  changedParams: number;
}
/** Client -> kernel: applies `freeze` / `unfreeze` to the model at once; answers its layers afterwards. */
export namespace ModelSetTrainableRequest {
  export const method = 'model/setTrainable' as const;
  export const type = new RequestType<ModelSetTrainableParams, ModelSetTrainableResult, void>(method);
}

export const FreezeMapErrorCode = {
  /** The named global is missing or holds no model (any more). */
  noSuchModel: 3001,
  /** The selector matched nothing or was malformed (the engine's message says which). */
  badSelector: 3002,
} as const;
