// What `import ... from "tunebook"` gives a notebook cell: the public API, one export per line, by subsystem.
// After adding or removing an export, refresh kernel/engine/api.md with `npm run api:update`.

// TensorFlow.js, the same instance the engine computes with
import * as tf from '@tensorflow/tfjs-core';
export { tf };

// Backends: the ladder that picks tensorflow-gpu, webgpu, tensorflow, native, wasm or cpu
export { initBackend, backend, ensureBackend, backendChoiceFromEnv, BACKEND_CHOICES } from './backends/ladder';
export type { BackendChoice, BackendReport } from './backends/ladder';
export { BackendError } from './backends/backendError';
export { WebGpuSyncReadError, WebGpuUnavailableError } from './backends/webgpu/webgpuError';
export { NativeBackendError } from './backends/native/nativeError';

// Models: load from the hub or a folder, create from a config, what a model is
export { load } from './models/load';
export type { LoadOptions } from './models/load';
export { create } from './models/create';
export type { CreateOptions } from './models/create';
export type { Model, LayerInfo, LoadReport, ModelInput, ModelType, ForwardOptions } from './models/model';
export { ModelConfigError } from './models/modelConfigError';
export { ModelInputError } from './models/modelInputError';
export { CheckpointError } from './models/checkpointError';

// Generation
export type { GenerateOptions, GenerateResult, GenerateTiming, FinishReason } from './generate/types';

// I/O: safetensors, Hugging Face folders and sources, tokenizers, images
export * from './io';

// Data: reading JSONL, CSV and JSON records into datasets
export * from './data';

// Training: the trainer, its options and results, evaluation
export { train } from './train/trainer';
export type { TrainOptions, TrainTask, IntervalStrategy } from './train/trainOptions';
export type { TrainResult, TrainLogEntry, EvalLogEntry, TrainStatus } from './train/trainResult';
export type { TrainData, TrainRecord } from './train/trainData';
export { evaluate } from './train/evaluate';
export type { EvaluateOptions, EvalMetrics } from './train/evaluate';
export { TrainerError } from './train/trainerError';
export { trainImageClassifier, evaluateImageClassifier } from './train/imageTrainer';
export type { ImageTrainOptions, ImageTrainResult, ImageEpochLog, ImageEvalResult } from './train/imageTrainer';
export { trainingStats } from './train/trainingStats';
export type { TrainingStats, ParameterTrainingStats } from './train/trainingStats';

// Training parts: optimizer, schedules, seeded randomness, metrics, progress charts
export { AdamW } from './train/optim';
export type { AdamWOptions, AdamWState, AdamWSnapshot } from './train/optim';
export { createSchedule, warmupStepsFromRatio } from './train/schedule';
export type { ScheduleConfig, ScheduleKind, LearningRateSchedule } from './train/schedule';
export { Rng } from './train/rng';
export type { RngState } from './train/rng';
export { RunningMean, weightedMean, accuracy, f1Score, perClassScores, perplexity, argmaxRows } from './train/metrics';
export type { ClassLabel, F1Average, F1Options, PerClassScores } from './train/metrics';
export { TrainingProgress, renderProgressSvg } from './train/progress';
export { stopRequested, throwIfStopped, yieldAndCheck } from './train/stopping';
export type { ProgressOptions, ProgressPoint, ProgressSnapshot } from './train/progress';

// Memory: what a run needs, refused up front when it cannot fit, out-of-memory named by stage
export { estimateMemory } from './train/memory';
export type { MemoryEstimate, MemoryEstimateOptions, TrainingMethod } from './train/memory';
export { assertTrainingFits, memoryLimit, parseByteSize } from './train/memoryLimit';
export type { MemoryLimit } from './train/memoryLimit';
export { MemoryEstimateError } from './train/memoryEstimateError';
export { OutOfMemoryError } from './train/outOfMemoryError';
export { isOutOfMemory, rethrowIfOutOfMemory } from './train/outOfMemory';

// Training folders: checkpoints to resume from
export { saveCheckpoint, loadCheckpoint, listCheckpoints, latestCheckpoint } from './train/checkpoint';
export { pruneCheckpoints, checkpointDirName } from './train/checkpoint';
export type { TrainingCheckpoint, TrainerState, BestMetric, OptimizerStateSnapshot } from './train/checkpoint';
export type { LoadedCheckpoint, LoadedOptimizerState, CheckpointTensor } from './train/checkpoint';
export { TrainingCheckpointError } from './train/trainingCheckpointError';

// Tuners: freezing, LoRA, QLoRA, prompt tuning
export { freeze, unfreeze, selectParameters, parameterCounts, globToRegExp } from './tuners/freeze';
export type { LayerSelector, FreezeSummary } from './tuners/freeze';
export * from './tuners/lora';
export * from './tuners/qlora';
export { promptTuning, savePromptTuning, loadPromptTuning } from './tuners/promptTuning';
export type { PromptTuningOptions } from './tuners/promptTuning';

// Heads: classification and scalar heads on a backbone, pooling
export * from './heads';

// Features: embeddings and the classifiers trained on them
export * from './features';

// In-context learning: few-shot classification, prompt search, demonstrations
export * from './icl';

// Vector index: retrieval for RAG prompts
export * from './vectorIndex/index';

// Sweeps: how many blocks to freeze, with a chart
export * from './sweep';

// Vision: ViT image classification
export * from './vision';

// RLHF: preferences, reward models, DPO, PPO
export * from './rlhf';
