/**
 * The ranking panel: K sampled completions of a prompt to rank, and its RLHF jobs ("Train reward model",
 * "Optimise policy") that run in the kernel on the workspace ranking store. Job progress streams as
 * `rlhf/progress`; the kernel's interrupt (`kernel/interrupt`) stops a running job. One job at a time.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { SamplingSettings } from './generation';

export interface RankingGenerateParams {
  model: string;
  prompt: string;
  /** Candidates to sample (each with seed `sampling.seed + i` when a seed is given). */
  count: number;
  sampling: SamplingSettings;
}
export interface RankingGenerateResult {
  candidates: string[];
}
/** Client -> kernel: K sampled completions of one prompt for the ranking panel. */
export namespace RankingGenerateRequest {
  export const method = 'ranking/generate' as const;
  export const type = new RequestType<RankingGenerateParams, RankingGenerateResult, void>(method);
}

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
