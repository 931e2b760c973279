/**
 * The prompt comparison panel: fills the cells of its grid (variants x inputs) with `model.generate` of a
 * held model, streaming each cell's text, and reads a notebook variable as the grid's inputs.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { SamplingSettings } from './generation';

/** One grid cell to fill: `prompt` is already the template applied to the row's input. */
export interface PromptCompareJob {
  row: number;
  column: number;
  model: string;
  prompt: string;
  sampling: SamplingSettings;
}
export interface PromptCompareRunParams {
  runId: string;
  jobs: PromptCompareJob[];
}
export interface PromptCompareRunResult {
  runId: string;
  completed: number;
  cancelled: boolean;
}
/** Client -> kernel: generates every job in order, streaming `promptCompare/output`; answers when all are done. */
export namespace PromptCompareRunRequest {
  export const method = 'promptCompare/run' as const;
  export const type = new RequestType<PromptCompareRunParams, PromptCompareRunResult, void>(method);
}

export interface PromptCompareOutputParams {
  runId: string;
  row: number;
  column: number;
  /** The completion so far (the whole of it when `done`). */
  text: string;
  done: boolean;
  /** Set when done: wall time of the generate call and new tokens produced. */
  latencyMs?: number;
  tokens?: number;
  error?: string;
}
/** Kernel -> client: a grid cell's output, while it streams and once finished. */
export namespace PromptCompareOutputNotification {
  export const method = 'promptCompare/output' as const;
  export const type = new NotificationType<PromptCompareOutputParams>(method);
}

export interface PromptCompareCancelParams {
  runId: string;
}
export interface PromptCompareCancelResult {
  /** False when no run of that id was running. */
  cancelled: boolean;
}
/** Client -> kernel: stop a comparison run after the token being generated. */
export namespace PromptCompareCancelRequest {
  export const method = 'promptCompare/cancel' as const;
  export const type = new RequestType<PromptCompareCancelParams, PromptCompareCancelResult, void>(method);
}

export interface PromptCompareInputsParams {
  /** A notebook global holding an array of strings (or of objects with a string `input`). */
  variable: string;
}
export interface PromptCompareInputsResult {
  inputs: string[];
}
/** Client -> kernel: the rows of the comparison grid from a notebook variable. */
export namespace PromptCompareInputsRequest {
  export const method = 'promptCompare/inputs' as const;
  export const type = new RequestType<PromptCompareInputsParams, PromptCompareInputsResult, void>(method);
}
