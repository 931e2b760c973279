/**
 * The extension <-> kernel protocol, defined once and imported by both sides
 * (the VS Code extension, the headless runner and the kernel process itself).
 *
 * Style follows vscode-languageserver-protocol: each message is a namespace with
 * its `method` string and a typed `type` built from vscode-jsonrpc.
 * This file must stay free of `vscode` imports and of Node-only APIs.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';

export const PROTOCOL_VERSION = 1;

/** Backend names, best first. `auto` walks the ladder. */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

/** One output item, the same shape the .ftnb format stores. */
export interface OutputItem {
  mime: string;
  /** Text for text mimes, base64 for binary ones (then `encoding` is 'base64'). */
  data: string;
  encoding?: 'base64';
}

export const MIME = {
  stdout: 'application/vnd.code.notebook.stdout',
  stderr: 'application/vnd.code.notebook.stderr',
  error: 'application/vnd.code.notebook.error',
  text: 'text/plain',
  markdown: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
} as const;

/** The JSON carried by an `application/vnd.code.notebook.error` item. */
export interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
}

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead';

// ---------------------------------------------------------------- requests

export interface InitializeParams {
  protocolVersion: number;
  /** Folder the notebook lives in: working directory and first npm resolution root. */
  notebookDir: string;
  backend: BackendChoice;
}
export interface InitializeResult {
  protocolVersion: number;
  pid: number;
  nodeVersion: string;
}
export namespace InitializeRequest {
  export const method = 'kernel/initialize' as const;
  export const type = new RequestType<InitializeParams, InitializeResult, void>(method);
}

export interface ExecuteCellParams {
  /** Unique per execution; outputs and streams refer to it. */
  executionId: string;
  /** Cell source (TypeScript). */
  code: string;
  /** A name for stack traces, e.g. the cell's index or URI fragment. */
  cellName: string;
}
export interface ExecuteCellResult {
  success: boolean;
  durationMs: number;
  /** Set when the cell threw (also sent as an error output). */
  error?: ErrorPayload;
  /** True when the cell stopped because of an interrupt. */
  interrupted?: boolean;
}
export namespace ExecuteCellRequest {
  export const method = 'cell/execute' as const;
  export const type = new RequestType<ExecuteCellParams, ExecuteCellResult, void>(method);
}

export interface ShutdownResult {
  ok: true;
}
export namespace ShutdownRequest {
  export const method = 'kernel/shutdown' as const;
  export const type = new RequestType<void, ShutdownResult, void>(method);
}

// ---------------------------------------------------------- notifications

/** Client -> kernel: stop the running cell cooperatively (abort signal, await points, engine loops). */
export namespace InterruptNotification {
  export const method = 'kernel/interrupt' as const;
  export const type = new NotificationType<void>(method);
}

/** Kernel -> client: text written to console.* / process.stdout / process.stderr while a cell runs. */
export interface StreamParams {
  executionId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}
export namespace StreamNotification {
  export const method = 'cell/stream' as const;
  export const type = new NotificationType<StreamParams>(method);
}

/**
 * Kernel -> client: a rich output. `outputId` names one output of the cell;
 * `op: 'append'` adds it, `op: 'replace'` redraws an output appended earlier in place
 * (display handles' `update`).
 */
export interface DisplayParams {
  executionId: string;
  outputId: string;
  op: 'append' | 'replace';
  items: OutputItem[];
}
export namespace DisplayNotification {
  export const method = 'cell/display' as const;
  export const type = new NotificationType<DisplayParams>(method);
}

export interface StatusParams {
  state: KernelState;
}
export namespace StatusNotification {
  export const method = 'kernel/status' as const;
  export const type = new NotificationType<StatusParams>(method);
}

/** Kernel -> client: diagnostics for the output channel (never shown in cells). */
export interface LogParams {
  level: 'info' | 'warn' | 'error';
  message: string;
}
export namespace LogNotification {
  export const method = 'kernel/log' as const;
  export const type = new NotificationType<LogParams>(method);
}

// ------------------------------------------------- panels: models held by the kernel (freeze map)
// The kernel side of the webview panels. Models are notebook globals that are engine Models; they are
// named by their global's name. Other panels add their namespaces in their own section below.

export interface ModelSummary {
  /** The notebook global holding the model, e.g. `model`. */
  name: string;
  modelType: string;
  architecture: string;
  params: number;
  trainableParams: number;
}

/** `LayerInfo` from kernel/engine/models/model.ts, as sent over the wire. */
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

export interface ModelsListResult {
  models: ModelSummary[];
}
/** Client -> kernel: the models the notebook's globals hold now. Never loads the engine. */
export namespace ModelsListRequest {
  export const method = 'models/list' as const;
  export const type = new RequestType<void, ModelsListResult, void>(method);
}

export interface ModelLayersParams {
  /** The global's name (ModelSummary.name). */
  model: string;
}
export interface ModelLayersResult {
  model: ModelSummary;
  layers: ModelLayer[];
}
/** Client -> kernel: a model's `layers()`. Fails (code ModelPanelErrorCode.noSuchModel) when the global holds no model. */
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

export const ModelPanelErrorCode = {
  /** The named global is missing or holds no model (any more). */
  noSuchModel: 3001,
  /** The selector matched nothing or was malformed (the engine's message says which). */
  badSelector: 3002,
} as const;

export interface ModelsChangedParams {
  models: ModelSummary[];
}
/** Kernel -> client: after each cell that ran while models exist (or existed), the models as they are now. */
export namespace ModelsChangedNotification {
  export const method = 'models/changed' as const;
  export const type = new NotificationType<ModelsChangedParams>(method);
}

// ------------------------------------ panels: generation (RLHF ranking, prompt comparison) — webview-panels helper
// Candidates for the ranking panel and the cells of the prompt comparison grid, generated by a model a
// notebook global holds (named as in ModelSummary.name) with `model.generate`.

/** Decoding settings passed to `model.generate` (temperature 0 = greedy). */
export interface SamplingSettings {
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export interface RankGenerateParams {
  model: string;
  prompt: string;
  /** Candidates to sample (each with seed `sampling.seed + i` when a seed is given). */
  count: number;
  sampling: SamplingSettings;
}
export interface RankGenerateResult {
  candidates: string[];
}
/** Client -> kernel: K sampled completions of one prompt for the ranking panel. */
export namespace RankGenerateRequest {
  export const method = 'rank/generate' as const;
  export const type = new RequestType<RankGenerateParams, RankGenerateResult, void>(method);
}

/** One grid cell to fill: `prompt` is already the template applied to the row's input. */
export interface CompareJob {
  row: number;
  column: number;
  model: string;
  prompt: string;
  sampling: SamplingSettings;
}
export interface CompareRunParams {
  runId: string;
  jobs: CompareJob[];
}
export interface CompareRunResult {
  runId: string;
  completed: number;
  cancelled: boolean;
}
/** Client -> kernel: generates every job in order, streaming `compare/output`; answers when all are done. */
export namespace CompareRunRequest {
  export const method = 'compare/run' as const;
  export const type = new RequestType<CompareRunParams, CompareRunResult, void>(method);
}

export interface CompareOutputParams {
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
export namespace CompareOutputNotification {
  export const method = 'compare/output' as const;
  export const type = new NotificationType<CompareOutputParams>(method);
}

export interface CompareCancelParams {
  runId: string;
}
export interface CompareCancelResult {
  /** False when no run of that id was running. */
  cancelled: boolean;
}
/** Client -> kernel: stop a comparison run after the token being generated. */
export namespace CompareCancelRequest {
  export const method = 'compare/cancel' as const;
  export const type = new RequestType<CompareCancelParams, CompareCancelResult, void>(method);
}

export interface CompareInputsParams {
  /** A notebook global holding an array of strings (or of objects with a string `input`). */
  variable: string;
}
export interface CompareInputsResult {
  inputs: string[];
}
/** Client -> kernel: the rows of the comparison grid from a notebook variable. */
export namespace CompareInputsRequest {
  export const method = 'compare/inputs' as const;
  export const type = new RequestType<CompareInputsParams, CompareInputsResult, void>(method);
}

export const GenerationPanelErrorCode = {
  /** The named global holds no model, or the model has no tokenizer to turn text into tokens. */
  noSuchModel: 3101,
  /** The named global is missing or is not a list of strings. */
  badVariable: 3102,
  /** Parameters out of range (count, maxNewTokens, too many jobs). */
  badParams: 3103,
} as const;

// ---------------------------------------- panels: RLHF jobs (ranking panel's training buttons) — rlhf-buttons helper
// "Train reward model" and "Optimise policy" run in the kernel on the workspace ranking store; progress streams
// as `rlhf/progress`; the kernel's interrupt (`kernel/interrupt`) stops a running job. One job at a time.

export interface RlhfTrainRewardModelParams {
  /** Absolute path of the ranking store (`.tunebook/rankings.jsonl`). */
  rankingsFile: string;
  /** A notebook global holding a causal LM to use as the backbone; absent: a fresh `load('tunebook/tiny-gpt2')`. */
  backbone?: string;
  /** Chosen by the client; progress notifications carry it. */
  jobId: string;
  epochs?: number;
  lr?: number;
  seed?: number;
}
export interface RlhfTrainRewardModelResult {
  /** The notebook global the trained RewardModel is stored in, e.g. `rewardModel1`. */
  global: string;
  backbone: string;
  trainPairs: number;
  heldOutPairs: number;
  /** Pairwise accuracy on held-out pairs (null when none were held out). */
  heldOutAccuracy: number | null;
  trainAccuracy: number;
  steps: number;
  seconds: number;
}
/** Client -> kernel: trains a reward model (Bradley–Terry) on the ranking store's pairs. */
export namespace RlhfTrainRewardModelRequest {
  export const method = 'rlhf/trainRewardModel' as const;
  export const type = new RequestType<RlhfTrainRewardModelParams, RlhfTrainRewardModelResult, void>(method);
}

export interface RlhfOptimisePolicyParams {
  rankingsFile: string;
  /** The notebook global holding the policy (a causal LM); it is trained in place. */
  policy: string;
  /** Add LoRA adapters first (the reference is then the policy with adapters off). */
  lora: boolean;
  jobId: string;
  beta?: number;
  epochs?: number;
  lr?: number;
  seed?: number;
}
export interface RlhfOptimisePolicyResult {
  policy: string;
  pairs: number;
  /** Implicit-reward accuracy and mean margin on the pairs after training. */
  accuracy: number;
  margin: number;
  loss: number;
  referenceMode: 'adapters-disabled' | 'frozen-copy';
  steps: number;
  seconds: number;
}
/** Client -> kernel: DPO on the ranking store's pairs for a held policy. */
export namespace RlhfOptimisePolicyRequest {
  export const method = 'rlhf/optimisePolicy' as const;
  export const type = new RequestType<RlhfOptimisePolicyParams, RlhfOptimisePolicyResult, void>(method);
}

export interface RlhfProgressParams {
  jobId: string;
  step: number;
  totalSteps: number;
  loss: number;
}
/** Kernel -> client: one optimiser step of a running RLHF job done. */
export namespace RlhfProgressNotification {
  export const method = 'rlhf/progress' as const;
  export const type = new NotificationType<RlhfProgressParams>(method);
}

export interface RlhfCancelResult {
  /** False when no job was running. */
  cancelled: boolean;
}
/**
 * Client -> kernel: stop the running job after its current step — what `kernel/interrupt` does to it too. Needed
 * because the client sends `kernel/interrupt` only while a cell runs.
 */
export namespace RlhfCancelRequest {
  export const method = 'rlhf/cancel' as const;
  export const type = new RequestType<void, RlhfCancelResult, void>(method);
}

export const RlhfJobErrorCode = {
  /** The ranking store is missing or holds no preference pairs. */
  noRankings: 3201,
  /** Too few pairs to train on (the message says how many are needed). */
  tooFewPairs: 3202,
  /** The named global holds no causal LM with a tokenizer. */
  noSuchModel: 3203,
  /** Another RLHF job is running. */
  busy: 3204,
  /** Stopped by the kernel's interrupt. */
  interrupted: 3205,
  badParams: 3206,
  /** The engine failed (its message is passed on). */
  failed: 3207,
} as const;
