/**
 * Read a data source, check every row against a record kind, tokenise, and return a Dataset.
 * Rows are checked before anything is tokenised, so a bad row fails fast with its file and line.
 */
import { DataError, type DataLocation } from './dataError';
import { Dataset } from './dataset';
import {
  encodePreference,
  encodeSft,
  type CausalLmExample,
  type EncodeCausalLmOptions,
  type EncodePreferenceOptions,
  type PreferenceExample,
} from './encode/causalLm';
import {
  encodeClassification,
  type ClassificationExample,
  type EncodeClassificationOptions,
} from './encode/classification';
import { LabelMap } from './labelMap';
import { readRecords, type DataSource, type ReadRecordsOptions } from './readers/readRecords';
import type { RawRecord } from './readers/rawRecord';
import {
  toClassificationRecord,
  toPreferenceRecord,
  toSftRecord,
  type ClassificationFields,
  type ClassificationRecord,
  type PreferenceFields,
  type PreferenceRecord,
  type SftFields,
  type SftRecord,
} from './records';
import type { TokenizerLike } from './tokenizerLike';

export interface Located<T> {
  record: T;
  location: DataLocation;
}

export interface ClassificationDataOptions
  extends ReadRecordsOptions, ClassificationFields, EncodeClassificationOptions {
  tokenizer: TokenizerLike;
  /** Fixed class names (id = position); default: built from the labels in the data. */
  labels?: readonly string[];
}

export interface ClassificationData {
  dataset: Dataset<ClassificationExample>;
  labelMap: LabelMap;
}

export interface SftDataOptions extends ReadRecordsOptions, SftFields, EncodeCausalLmOptions {
  tokenizer: TokenizerLike;
}

export interface PreferenceDataOptions extends ReadRecordsOptions, PreferenceFields, EncodePreferenceOptions {
  tokenizer: TokenizerLike;
}

export function readClassificationRecords(
  source: DataSource,
  options: ReadRecordsOptions & ClassificationFields = {},
): Promise<Located<ClassificationRecord>[]> {
  return readKind(source, options, (raw) => toClassificationRecord(raw, options));
}

export function readSftRecords(
  source: DataSource,
  options: ReadRecordsOptions & SftFields = {},
): Promise<Located<SftRecord>[]> {
  return readKind(source, options, (raw) => toSftRecord(raw, options));
}

export function readPreferenceRecords(
  source: DataSource,
  options: ReadRecordsOptions & PreferenceFields = {},
): Promise<Located<PreferenceRecord>[]> {
  return readKind(source, options, (raw) => toPreferenceRecord(raw, options));
}

export async function loadClassificationData(
  source: DataSource,
  options: ClassificationDataOptions,
): Promise<ClassificationData> {
  const rows = await readClassificationRecords(source, options);
  const labelMap = options.labels
    ? LabelMap.fromNames(options.labels)
    : LabelMap.fromLabels(rows.map((row) => row.record.label));
  const examples = rows.map(({ record, location }) => {
    const id = labelMap.idOf(record.label);
    if (id === undefined) {
      throw new DataError(
        location,
        `label ${JSON.stringify(record.label)} is not one of the labels: ${labelMap.names.join(', ')}`,
      );
    }
    return encodeClassification(options.tokenizer, record.text, id, options);
  });
  return { dataset: new Dataset(examples), labelMap };
}

export async function loadSftData(source: DataSource, options: SftDataOptions): Promise<Dataset<CausalLmExample>> {
  const rows = await readSftRecords(source, options);
  return new Dataset(rows.map(({ record }) => encodeSft(options.tokenizer, record.prompt, record.completion, options)));
}

export async function loadPreferenceData(
  source: DataSource,
  options: PreferenceDataOptions,
): Promise<Dataset<PreferenceExample>> {
  const rows = await readPreferenceRecords(source, options);
  return new Dataset(
    rows.map(({ record }) =>
      encodePreference(options.tokenizer, record.prompt, record.chosen, record.rejected, options),
    ),
  );
}

async function readKind<T>(
  source: DataSource,
  options: ReadRecordsOptions,
  check: (raw: RawRecord) => T,
): Promise<Located<T>[]> {
  const rows: Located<T>[] = [];
  for await (const raw of readRecords(source, options)) rows.push({ record: check(raw), location: raw.location });
  if (rows.length === 0) {
    throw new DataError(
      { file: typeof source === 'string' ? source : (options.name ?? 'records') },
      'holds no records',
    );
  }
  return rows;
}
