/**
 * The three record kinds a dataset row can be, checked field by field:
 * text classification `{text, label}`, supervised fine-tuning `{prompt, completion}` and
 * preference pairs `{prompt, chosen, rejected}` (TRL's explicit-prompt format).
 */
import { DataError } from './dataError';
import type { RawRecord } from './readers/rawRecord';
import { describeJsonType } from './readers/rawRecord';

export type RawLabel = string | number;

export interface ClassificationRecord {
  text: string;
  label: RawLabel;
}

export interface SftRecord {
  prompt: string;
  completion: string;
}

export interface PreferenceRecord {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface ClassificationFields {
  textField?: string;
  labelField?: string;
}

export interface SftFields {
  promptField?: string;
  completionField?: string;
}

export interface PreferenceFields {
  promptField?: string;
  chosenField?: string;
  rejectedField?: string;
}

export function toClassificationRecord(raw: RawRecord, fields: ClassificationFields = {}): ClassificationRecord {
  return {
    text: stringField(raw, fields.textField ?? 'text'),
    label: labelField(raw, fields.labelField ?? 'label'),
  };
}

export function toSftRecord(raw: RawRecord, fields: SftFields = {}): SftRecord {
  return {
    prompt: stringField(raw, fields.promptField ?? 'prompt'),
    completion: stringField(raw, fields.completionField ?? 'completion'),
  };
}

export function toPreferenceRecord(raw: RawRecord, fields: PreferenceFields = {}): PreferenceRecord {
  return {
    prompt: stringField(raw, fields.promptField ?? 'prompt'),
    chosen: stringField(raw, fields.chosenField ?? 'chosen'),
    rejected: stringField(raw, fields.rejectedField ?? 'rejected'),
  };
}

function fieldValue(raw: RawRecord, name: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(raw.value, name)) {
    const present = Object.keys(raw.value);
    const hint =
      present.length > 0 ? ` (the row has ${present.map((k) => JSON.stringify(k)).join(', ')})` : ' (the row is empty)';
    throw new DataError(raw.location, `missing ${JSON.stringify(name)}${hint}`);
  }
  return raw.value[name];
}

function stringField(raw: RawRecord, name: string): string {
  const value = fieldValue(raw, name);
  if (typeof value !== 'string')
    throw new DataError(raw.location, `${JSON.stringify(name)} must be a string, got ${describeJsonType(value)}`);
  return value;
}

function labelField(raw: RawRecord, name: string): RawLabel {
  const value = fieldValue(raw, name);
  if (typeof value === 'string') {
    if (value.trim() === '') throw new DataError(raw.location, `${JSON.stringify(name)} is empty`);
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const shown = typeof value === 'number' ? String(value) : describeJsonType(value);
  throw new DataError(raw.location, `${JSON.stringify(name)} must be a string or an integer >= 0, got ${shown}`);
}
