// Public RLHF API (re-exported from kernel/engine/index.ts).
export { preferences, preferencesFromText, Preferences } from './preferences';
export type { PreferencesOptions } from './preferences';
export type { PreferencePair } from './pairs';
export { rewardModel, RewardModel } from './rewardModel';
export type { RewardModelOptions, RewardModelReport } from './rewardModel';
export { dpo } from './dpo';
export type { DpoOptions, DpoResult, DpoLogEntry, DpoEval } from './dpo';
export { ppo } from './ppo';
export type { PpoOptions, PpoResult, PpoLogEntry } from './ppo';
export type { KlControl } from './klController';
export { evaluatePolicy, sampleCompletions } from './rollouts';
export type { PolicyEvaluation, SampleOptions } from './rollouts';
export { referencePolicy } from './reference';
export type { ReferencePolicy } from './reference';
export { gae, whiten } from './advantages';
export { bradleyTerryLoss, dpoLoss, clippedSurrogate, clippedValueLoss } from './losses';
export { RlhfError } from './rlhfError';
