// Public feature-based API (re-exported from kernel/engine/index.ts).
export { embed } from './embed';
export type { EmbedOptions, EmbedStats } from './embed';
export { logisticRegression, LogisticRegressionClassifier } from './logisticRegression';
export type { LogisticRegressionOptions } from './logisticRegression';
export { mlpClassifier, MlpClassifier } from './mlpClassifier';
export type { MlpOptions } from './mlpClassifier';
export { FeatureClassifier } from './featureClassifier';
export type { ClassifierEvaluation } from './featureClassifier';
export { modelFingerprint } from './modelFingerprint';
