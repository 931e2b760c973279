/** JSON Lines: one JSON object per line; blank lines are skipped; LF or CRLF; optional BOM. */
import { locateJsonError } from '../../../format/jsonErrorLocation';
import { DataError } from '../dataError';
import { describeJsonType, isPlainObject, type ChunkParser, type RawRecord } from './rawRecord';

export class JsonlParser implements ChunkParser {
  private pending = '';
  private lineNumber = 0;
  private atStart = true;

  constructor(private readonly file: string) {}

  push(chunk: string): RawRecord[] {
    if (this.atStart && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      this.atStart = false;
    }
    const text = this.pending + chunk;
    const records: RawRecord[] = [];
    let start = 0;
    // The pending part holds no newline, so a long line spanning many chunks is scanned once.
    for (let newline = text.indexOf('\n', this.pending.length); newline !== -1; newline = text.indexOf('\n', start)) {
      this.parseLine(text.slice(start, newline), records);
      start = newline + 1;
    }
    this.pending = text.slice(start);
    return records;
  }

  end(): RawRecord[] {
    const records: RawRecord[] = [];
    if (this.pending.length > 0) this.parseLine(this.pending, records);
    this.pending = '';
    return records;
  }

  private parseLine(rawLine: string, into: RawRecord[]): void {
    this.lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const location = { file: this.file, line: this.lineNumber };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const problem = locateJsonError(line);
      throw new DataError(
        { ...location, column: problem?.column },
        `invalid JSON: ${problem?.problem ?? 'the line does not parse'} (each line must hold one JSON object)`,
      );
    }
    if (!isPlainObject(value))
      throw new DataError(location, `expected a JSON object on each line, got ${describeJsonType(value)}`);
    into.push({ value, location });
  }
}

export function parseJsonl(text: string, file: string): RawRecord[] {
  const parser = new JsonlParser(file);
  return [...parser.push(text), ...parser.end()];
}
