// What `import ... from "tunebook"` gives a notebook cell. Other engine modules append one export line each.
import * as tf from '@tensorflow/tfjs-core';
export { tf };
export { load } from './load';
export type { LoadOptions } from './load';
export { create } from './models/create';
export type { CreateOptions } from './models/create';
export type { Model, LayerInfo, LoadReport, ModelInput, ModelType, ForwardOptions } from './models/model';
export { ModelConfigError } from './models/modelConfigError';
export { ModelInputError } from './models/modelInputError';
export { CheckpointError } from './models/checkpointError';
export type { GenerateOptions, GenerateResult, GenerateTiming, FinishReason } from './generate/types';
export * from './io';
export * from './data'; export { Rng } from './train/rng'; export type { RngState } from './train/rng'; export { createSchedule, warmupStepsFromRatio } from './train/schedule'; export type { ScheduleConfig, ScheduleKind, LearningRateSchedule } from './train/schedule'; export { RunningMean, weightedMean, accuracy, f1Score, perClassScores, perplexity, argmaxRows } from './train/metrics'; export type { ClassLabel, F1Average, F1Options, PerClassScores } from './train/metrics'; export { saveCheckpoint, loadCheckpoint, listCheckpoints, latestCheckpoint, pruneCheckpoints, checkpointDirName } from './train/checkpoint'; export type { TrainingCheckpoint, TrainerState, BestMetric, OptimizerStateSnapshot, LoadedCheckpoint, LoadedOptimizerState, CheckpointTensor } from './train/checkpoint'; export { TrainingCheckpointError } from './train/trainingCheckpointError'; export { TrainingProgress, renderProgressSvg } from './train/progress'; export type { ProgressOptions, ProgressPoint, ProgressSnapshot } from './train/progress';
export { train } from './train/trainer'; export type { TrainOptions, TrainTask, IntervalStrategy } from './train/trainOptions'; export type { TrainResult, TrainLogEntry, EvalLogEntry, TrainStatus } from './train/trainResult'; export type { TrainData, TrainRecord } from './train/trainData'; export { evaluate } from './train/evaluate'; export type { EvaluateOptions, EvalMetrics } from './train/evaluate'; export { TrainerError } from './train/trainerError'; export { freeze, unfreeze, selectParameters, parameterCounts, globToRegExp } from './tuners/freeze'; export type { LayerSelector, FreezeSummary } from './tuners/freeze'; export * from './heads'; export * from './features';
export * from './icl'; export * from './index/index'; export * from './sweep';
export * from './tuners/lora'; export * from './tuners/qlora'; export { promptTuning, savePromptTuning, loadPromptTuning } from './tuners/promptTuning'; export type { PromptTuningOptions } from './tuners/promptTuning';
export { initBackend, backend, ensureBackend, backendChoiceFromEnv, BACKEND_CHOICES } from './backend'; export type { BackendChoice, BackendReport } from './backend'; export { BackendError } from './backendError'; export { AdamW } from './train/optim'; export type { AdamWOptions, AdamWState, AdamWSnapshot } from './train/optim';
export * from './vision'; export { trainImageClassifier, evaluateImageClassifier } from './train/imageTrainer'; export type { ImageTrainOptions, ImageTrainResult, ImageEpochLog, ImageEvalResult } from './train/imageTrainer';
