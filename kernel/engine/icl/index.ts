// Public in-context learning API (re-exported from kernel/engine/index.ts).
export { fewShotClassify } from './fewShot';
export type { FewShotOptions, FewShotResult, FewShotPrediction, IclExample, IclLabel } from './fewShot';
export { promptSearch } from './promptSearch';
export type { PromptSearchOptions, PromptSearchResult, PromptSearchEntry, PromptSearchRow } from './promptSearch';
export { buildFewShotPrompt, fillTemplate } from './template';
export type { Template, TemplateExample, FewShotPrompt } from './template';
export { scoreContinuations, scoreContinuationsAsync } from './labelScoring';
export { selectDemonstrations, nearestIndices } from './selection';
export type { Selection, SelectionOptions } from './selection';
