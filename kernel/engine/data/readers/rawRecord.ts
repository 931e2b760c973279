import type { DataLocation } from '../dataError';

/** One row as read from a data source, before it is checked against a record kind. */
export interface RawRecord {
  value: Record<string, unknown>;
  location: DataLocation;
}

/** Incremental text parser: feed chunks, collect the records completed so far, then `end()`. */
export interface ChunkParser {
  push(chunk: string): RawRecord[];
  end(): RawRecord[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}
