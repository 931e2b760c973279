/**
 * The models the notebook holds: globals whose values are engine Models, named by their global's name.
 * Every panel lists them; the kernel tells the client after each cell what they look like now.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';

export interface ModelSummary {
  /** The notebook global holding the model, e.g. `model`. */
  name: string;
  modelType: string;
  architecture: string;
  params: number;
  trainableParams: number;
}

export interface ModelsListResult {
  models: ModelSummary[];
}
/** Client -> kernel: the models the notebook's globals hold now. Never loads the engine. */
export namespace ModelsListRequest {
  export const method = 'models/list' as const;
  export const type = new RequestType<void, ModelsListResult, void>(method);
}

export interface ModelsChangedParams {
  models: ModelSummary[];
}
/** Kernel -> client: after each cell that ran while models exist (or existed), the models as they are now. */
export namespace ModelsChangedNotification {
  export const method = 'models/changed' as const;
  export const type = new NotificationType<ModelsChangedParams>(method);
}
