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

/** 'running' while bytes arrive; the last notification of a download has one of the other states. */
export type ModelDownloadState = 'running' | 'done' | 'failed' | 'interrupted';

export interface ModelDownloadProgressParams {
  /** The cell whose `load()` downloads; absent when no cell runs (work left in the background). */
  executionId?: string;
  /** The Hub id, e.g. `openai-community/gpt2`. */
  source: string;
  revision: string;
  /** The commit the revision resolved to, once known. */
  commit?: string;
  /** The file being downloaded (the last one once all are done). */
  file: string;
  fileBytes: number;
  fileTotal: number;
  /** Bytes of all files so far (files already in the cache count as done). */
  bytes: number;
  total: number;
  filesDone: number;
  files: number;
  state: ModelDownloadState;
  /** Why a download failed or was interrupted. */
  message?: string;
}
/** Kernel -> client: a Hugging Face Hub download's progress, at most 4 times a second; the final state always. */
export namespace ModelDownloadProgressNotification {
  export const method = 'models/downloadProgress' as const;
  export const type = new NotificationType<ModelDownloadProgressParams>(method);
}
