// Public data API (re-exported from kernel/engine/index.ts).
export { DataError, formatLocation } from './dataError';
export type { DataLocation } from './dataError';
export { readRecords, readAllRecords, recordsFromArray, formatFromExtension } from './readers/readRecords';
export type { DataFormat, DataSource, ReadRecordsOptions } from './readers/readRecords';
export type { RawRecord } from './readers/rawRecord';
export { parseJsonl, JsonlParser } from './readers/jsonl';
export { parseCsv, CsvParser, CsvRowParser } from './readers/csv';
export type { CsvOptions, CsvRow } from './readers/csv';
export { parseJsonArray, JsonArrayParser } from './readers/jsonArray';
export { toClassificationRecord, toSftRecord, toPreferenceRecord } from './records';
export type {
  RawLabel,
  ClassificationRecord,
  SftRecord,
  PreferenceRecord,
  ClassificationFields,
  SftFields,
  PreferenceFields,
} from './records';
export { LabelMap, compareLabelNames } from './labelMap';
export { resolvePadTokenId } from './tokenizerLike';
export type { TokenizerLike } from './tokenizerLike';
export { encodeText, encodeClassification } from './encode/classification';
export type { ClassificationExample, EncodeClassificationOptions } from './encode/classification';
export { IGNORE_INDEX, encodeSft, encodePreference } from './encode/causalLm';
export type {
  CausalLmExample,
  PreferenceExample,
  EncodeCausalLmOptions,
  EncodePreferenceOptions,
} from './encode/causalLm';
export { specialTokenFrame } from './encode/specialTokens';
export { padBatch, padTo, paddedLength } from './padding';
export type { PaddingSide, PadOptions, PaddedBatch } from './padding';
export { collateClassification, collateCausalLm, collatePreference, batchToTensors } from './collate';
export type { ClassificationBatch, CausalLmBatch, PreferenceBatch, CollateOptions, IntTensors } from './collate';
export { trainEvalSplit } from './split';
export type { SplitOptions, Split } from './split';
export { Dataset } from './dataset';
export type { BatchOptions } from './dataset';
export {
  loadClassificationData,
  loadSftData,
  loadPreferenceData,
  readClassificationRecords,
  readSftRecords,
  readPreferenceRecords,
} from './load';
export type {
  Located,
  ClassificationData,
  ClassificationDataOptions,
  SftDataOptions,
  PreferenceDataOptions,
} from './load';
