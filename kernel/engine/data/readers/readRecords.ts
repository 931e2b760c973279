/**
 * One entry point for every data source: a path to a .jsonl/.ndjson, .csv/.tsv or .json file
 * (streamed in chunks, so large files are never held as one string) or an in-memory array of objects.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { DataError } from '../dataError';
import { CsvParser } from './csv';
import { JsonArrayParser } from './jsonArray';
import { JsonlParser } from './jsonl';
import { describeJsonType, isPlainObject, type ChunkParser, type RawRecord } from './rawRecord';

export type DataFormat = 'jsonl' | 'csv' | 'tsv' | 'json';

export type DataSource = string | readonly unknown[];

export interface ReadRecordsOptions {
  /** Overrides the format guessed from the file extension. */
  format?: DataFormat;
  /** CSV field separator; default ',' (tab for .tsv). */
  delimiter?: string;
  /** Name used in errors for in-memory arrays; default 'records'. */
  name?: string;
  /** Bytes read per chunk; default 64 KiB. */
  chunkSize?: number;
}

export async function* readRecords(source: DataSource, options: ReadRecordsOptions = {}): AsyncGenerator<RawRecord> {
  if (Array.isArray(source)) {
    yield* recordsFromArray(source, options.name ?? 'records');
    return;
  }
  if (typeof source !== 'string') throw new TypeError('a data source must be a file path or an array of records');
  const format = options.format ?? formatFromExtension(source);
  const parser = format === 'json' ? await jsonParserFor(source) : createParser(format, source, options);
  yield* parseFile(source, parser, options.chunkSize);
}

/** Reads a whole source into memory (after streaming it through the parser). */
export async function readAllRecords(source: DataSource, options: ReadRecordsOptions = {}): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for await (const record of readRecords(source, options)) records.push(record);
  return records;
}

export function* recordsFromArray(items: readonly unknown[], name: string): Generator<RawRecord> {
  for (let index = 0; index < items.length; index++) {
    const value = items[index];
    if (!isPlainObject(value))
      throw new DataError({ file: name, index }, `expected an object, got ${describeJsonType(value)}`);
    yield { value, location: { file: name, index } };
  }
}

export function formatFromExtension(path: string): DataFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.json') return 'json';
  throw new DataError(
    { file: path },
    `cannot tell the data format from the extension "${ext}"; use .jsonl, .csv, .tsv or .json, or pass { format }`,
  );
}

function createParser(format: DataFormat, file: string, options: ReadRecordsOptions): ChunkParser {
  switch (format) {
    case 'jsonl':
      return new JsonlParser(file);
    case 'csv':
      return new CsvParser(file, { delimiter: options.delimiter ?? ',' });
    case 'tsv':
      return new CsvParser(file, { delimiter: options.delimiter ?? '\t' });
    case 'json':
      return new JsonArrayParser(file);
  }
}

/** A .json file is either one array of objects or, as often happens, JSON Lines with a .json name. */
async function jsonParserFor(file: string): Promise<ChunkParser> {
  for await (const chunk of openChunks(file, 4096)) {
    const first = /[^\s\uFEFF]/.exec(chunk);
    if (first) return first[0] === '{' ? new JsonlParser(file) : new JsonArrayParser(file);
  }
  return new JsonArrayParser(file);
}

async function* parseFile(file: string, parser: ChunkParser, chunkSize?: number): AsyncGenerator<RawRecord> {
  for await (const chunk of openChunks(file, chunkSize)) yield* parser.push(chunk);
  yield* parser.end();
}

async function* openChunks(file: string, chunkSize = 65536): AsyncGenerator<string> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: chunkSize });
  try {
    for await (const chunk of stream) yield chunk as string;
  } catch (error) {
    throw readFailure(file, error);
  } finally {
    stream.destroy();
  }
}

function readFailure(file: string, error: unknown): Error {
  if (error instanceof DataError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new DataError({ file }, 'file not found');
  if (code === 'EISDIR') return new DataError({ file }, 'is a folder, not a data file');
  if (code === 'EACCES') return new DataError({ file }, 'permission denied');
  return new DataError({ file }, `cannot read the file: ${(error as Error)?.message ?? String(error)}`);
}
