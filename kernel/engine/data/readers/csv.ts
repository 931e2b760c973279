/**
 * CSV per RFC 4180, streaming: quoted fields may hold the delimiter, `""` (an escaped quote)
 * and line breaks. Accepts LF, CRLF or CR line ends and a UTF-8 BOM. The first row is the header
 * (names trimmed; unnamed columns, such as a pandas index, are dropped); blank lines are skipped.
 */
import { DataError } from '../dataError';
import type { ChunkParser, RawRecord } from './rawRecord';

export interface CsvOptions {
  /** Field separator, one character; default ','. */
  delimiter?: string;
}

export interface CsvRow {
  fields: string[];
  /** 1-based line where the row starts. */
  line: number;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/** Splits CSV text into rows of fields; knows nothing about headers. */
export class CsvRowParser {
  private readonly delimiter: string;
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private rowHasContent = false;
  private rowLine = 1;
  private line = 1;
  private column = 1;
  private quoteLine = 0;
  private quoteColumn = 0;
  private previousWasCr = false;
  private atStart = true;
  private readonly quotedStops = /["\r\n]/g;
  private readonly unquotedStops: RegExp;

  constructor(
    private readonly file: string,
    options: CsvOptions = {},
    /** Receives each row as soon as it is complete (so its errors come before those of later rows). */
    private readonly onRow?: (row: CsvRow) => void,
  ) {
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1 || this.delimiter === '"' || this.delimiter === '\n' || this.delimiter === '\r') {
      throw new RangeError(
        `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(this.delimiter)}`,
      );
    }
    this.unquotedStops = new RegExp(`[${this.delimiter.replace(/[\\\]^-]/g, '\\$&')}"\r\n]`, 'g');
  }

  push(chunk: string): CsvRow[] {
    const rows: CsvRow[] = [];
    let i = 0;
    if (this.atStart && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
      this.atStart = false;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.previousWasCr) {
        this.previousWasCr = false;
        if (c === '\n') {
          // Second half of a CRLF whose CR already ended the line (or was kept inside quotes).
          if (this.state === State.Quoted) this.field += c;
          continue;
        }
      }
      if (this.state === State.Unquoted || this.state === State.Quoted) {
        // Fast path: copy the run of ordinary characters up to the next one that matters.
        const stops = this.state === State.Quoted ? this.quotedStops : this.unquotedStops;
        stops.lastIndex = i;
        const stop = stops.exec(chunk)?.index ?? chunk.length;
        if (stop > i) {
          this.field += chunk.slice(i, stop);
          this.column += stop - i;
          i = stop - 1;
          continue;
        }
      }
      this.consume(c, rows);
      if (c === '\r') this.previousWasCr = true;
      if (c === '\n' || c === '\r') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
    }
    return rows;
  }

  end(): CsvRow[] {
    const rows: CsvRow[] = [];
    if (this.state === State.Quoted) {
      throw this.error(this.quoteLine, this.quoteColumn, "a quoted field starts here but its closing '\"' is missing");
    }
    if (this.rowHasContent) this.finishRow(rows);
    return rows;
  }

  private consume(c: string, rows: CsvRow[]): void {
    const isBreak = c === '\n' || c === '\r';
    switch (this.state) {
      case State.FieldStart:
        if (c === '"') {
          this.state = State.Quoted;
          this.quoteLine = this.line;
          this.quoteColumn = this.column;
          this.markContent();
        } else if (c === this.delimiter) {
          this.markContent();
          this.finishField();
        } else if (isBreak) {
          if (this.rowHasContent) this.finishRow(rows);
          else this.rowLine = this.line + 1;
        } else {
          this.markContent();
          this.field += c;
          this.state = State.Unquoted;
        }
        return;
      case State.Unquoted:
        if (c === this.delimiter) {
          this.finishField();
        } else if (isBreak) {
          this.finishRow(rows);
        } else if (c === '"') {
          throw this.error(
            this.line,
            this.column,
            'unexpected \'"\' inside an unquoted field; wrap the field in double quotes and write each quote in it as ""',
          );
        } else {
          this.field += c;
        }
        return;
      case State.Quoted:
        if (c === '"') this.state = State.QuoteInQuoted;
        else this.field += c;
        return;
      case State.QuoteInQuoted:
        if (c === '"') {
          this.field += '"';
          this.state = State.Quoted;
        } else if (c === this.delimiter) {
          this.finishField();
        } else if (isBreak) {
          this.finishRow(rows);
        } else {
          throw this.error(
            this.line,
            this.column,
            `expected ${JSON.stringify(this.delimiter)} or a line end after the closing '"', got ${JSON.stringify(c)}`,
          );
        }
        return;
    }
  }

  private markContent(): void {
    if (!this.rowHasContent) {
      this.rowHasContent = true;
      this.rowLine = this.line;
    }
  }

  private finishField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private finishRow(rows: CsvRow[]): void {
    this.finishField();
    const row = { fields: this.fields, line: this.rowLine };
    if (this.onRow) this.onRow(row);
    else rows.push(row);
    this.fields = [];
    this.rowHasContent = false;
    this.rowLine = this.line + 1;
  }

  private error(line: number, column: number, reason: string): DataError {
    return new DataError({ file: this.file, line, column }, reason);
  }
}

/** CSV rows turned into records keyed by the header row. */
export class CsvParser implements ChunkParser {
  private readonly rows: CsvRowParser;
  private header?: { names: string[]; keep: boolean[] };
  private records: RawRecord[] = [];

  constructor(
    private readonly file: string,
    options: CsvOptions = {},
  ) {
    this.rows = new CsvRowParser(file, options, (row) => this.addRow(row));
  }

  push(chunk: string): RawRecord[] {
    this.rows.push(chunk);
    return this.takeRecords();
  }

  end(): RawRecord[] {
    this.rows.end();
    if (!this.header)
      throw new DataError({ file: this.file }, 'the CSV file is empty; expected a header row such as "text,label"');
    return this.takeRecords();
  }

  private takeRecords(): RawRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }

  private addRow(row: CsvRow): void {
    if (!this.header) {
      this.header = this.readHeader(row);
      return;
    }
    const { names, keep } = this.header;
    if (row.fields.length !== names.length) {
      throw new DataError(
        { file: this.file, line: row.line },
        `expected ${names.length} fields (${names.map((n) => n || '<unnamed>').join(', ')}) but found ${row.fields.length}; quote fields that contain the delimiter or line breaks`,
      );
    }
    const value: Record<string, unknown> = {};
    row.fields.forEach((field, i) => {
      if (keep[i]) value[names[i]] = field;
    });
    this.records.push({ value, location: { file: this.file, line: row.line } });
  }

  private readHeader(row: CsvRow): { names: string[]; keep: boolean[] } {
    const names = row.fields.map((name) => name.trim());
    const seen = new Set<string>();
    for (const name of names) {
      if (name !== '' && seen.has(name))
        throw new DataError({ file: this.file, line: row.line }, `the header names column "${name}" twice`);
      seen.add(name);
    }
    return { names, keep: names.map((name) => name !== '') };
  }
}

export function parseCsv(text: string, file: string, options: CsvOptions = {}): RawRecord[] {
  const parser = new CsvParser(file, options);
  return [...parser.push(text), ...parser.end()];
}
