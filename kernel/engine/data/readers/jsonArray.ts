/**
 * A JSON file holding one array of objects (`[{...}, {...}]`), read element by element so a
 * large file never has to be parsed as one value. Each element is cut out by tracking string
 * and bracket state, then handed to JSON.parse; errors name the line where the element starts.
 */
import { locateJsonError } from '../../../format/jsonErrorLocation';
import { DataError } from '../dataError';
import { describeJsonType, isPlainObject, type ChunkParser, type RawRecord } from './rawRecord';

const enum Phase {
  BeforeArray,
  ExpectElementOrClose,
  InElement,
  ExpectCommaOrClose,
  ExpectElement,
  AfterArray,
}

export class JsonArrayParser implements ChunkParser {
  private phase = Phase.BeforeArray;
  private element: string[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;
  private elementLine = 0;
  private elementColumn = 0;
  private line = 1;
  private column = 1;
  private atStart = true;

  constructor(private readonly file: string) {}

  push(chunk: string): RawRecord[] {
    const records: RawRecord[] = [];
    let i = 0;
    if (this.atStart && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
      this.atStart = false;
    }
    let elementFrom = this.phase === Phase.InElement ? i : -1;
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.phase === Phase.InElement) {
        const ended = this.scalar ? this.scalarEnds(c) : this.containerOrStringEnds(c);
        if (ended === 'before') {
          this.element.push(chunk.slice(elementFrom, i));
          records.push(this.finishElement());
          elementFrom = -1;
          this.phase = Phase.ExpectCommaOrClose;
          // fall through: this character is the separator/close to handle below
        } else if (ended === 'after') {
          this.element.push(chunk.slice(elementFrom, i + 1));
          records.push(this.finishElement());
          elementFrom = -1;
          this.phase = Phase.ExpectCommaOrClose;
          this.advance(c);
          continue;
        } else {
          this.advance(c);
          continue;
        }
      }
      if (!isJsonWhitespace(c)) this.structural(c);
      if ((this.phase as Phase) === Phase.InElement) {
        elementFrom = i;
        if (!this.scalar) this.containerOrStringEnds(c);
      }
      this.advance(c);
    }
    if (this.phase === Phase.InElement && elementFrom !== -1) this.element.push(chunk.slice(elementFrom));
    return records;
  }

  end(): RawRecord[] {
    const records: RawRecord[] = [];
    if (this.phase === Phase.InElement && this.scalar) {
      records.push(this.finishElement());
      this.phase = Phase.ExpectCommaOrClose;
    }
    if (this.phase === Phase.BeforeArray)
      throw new DataError(
        { file: this.file },
        'the JSON file is empty; expected an array of objects like [{"text": "...", "label": "..."}]',
      );
    if (this.phase === Phase.InElement) {
      throw new DataError(
        { file: this.file, line: this.elementLine, column: this.elementColumn },
        'the file ends inside this element (an unclosed string, object or array)',
      );
    }
    if (this.phase !== Phase.AfterArray)
      throw new DataError(
        { file: this.file, line: this.line, column: this.column },
        "the file ends before the array's closing ']'",
      );
    return records;
  }

  private structural(c: string): void {
    switch (this.phase) {
      case Phase.BeforeArray:
        if (c !== '[') {
          throw this.here(
            `expected the file to start with '[' (a JSON array of objects), got ${JSON.stringify(c)}; for one object per line use a .jsonl file`,
          );
        }
        this.phase = Phase.ExpectElementOrClose;
        return;
      case Phase.ExpectElementOrClose:
        if (c === ']') {
          this.phase = Phase.AfterArray;
          return;
        }
        this.startElement(c);
        return;
      case Phase.ExpectElement:
        if (c === ']' || c === ',') throw this.here(`expected an array element after ',', got ${JSON.stringify(c)}`);
        this.startElement(c);
        return;
      case Phase.ExpectCommaOrClose:
        if (c === ',') this.phase = Phase.ExpectElement;
        else if (c === ']') this.phase = Phase.AfterArray;
        else throw this.here(`expected ',' or ']' between array elements, got ${JSON.stringify(c)}`);
        return;
      case Phase.AfterArray:
        throw this.here(`unexpected ${JSON.stringify(c)} after the array's closing ']'`);
      case Phase.InElement:
        return;
    }
  }

  private startElement(c: string): void {
    this.phase = Phase.InElement;
    this.element = [];
    this.elementLine = this.line;
    this.elementColumn = this.column;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.scalar = !(c === '{' || c === '[' || c === '"');
  }

  /** For strings/containers: tracks state; returns 'after' when `c` closes the element. */
  private containerOrStringEnds(c: string): 'after' | undefined {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === '\\') this.escaped = true;
      else if (c === '"') {
        this.inString = false;
        if (this.depth === 0) return 'after';
      }
      return undefined;
    }
    if (c === '"') this.inString = true;
    else if (c === '{' || c === '[') this.depth++;
    else if (c === '}' || c === ']') {
      this.depth--;
      if (this.depth === 0) return 'after';
    }
    return undefined;
  }

  private scalarEnds(c: string): 'before' | undefined {
    return c === ',' || c === ']' || isJsonWhitespace(c) ? 'before' : undefined;
  }

  private finishElement(): RawRecord {
    const text = this.element.join('');
    this.element = [];
    const location = { file: this.file, line: this.elementLine };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const problem = locateJsonError(text);
      const line = this.elementLine + (problem ? problem.line - 1 : 0);
      const column = problem
        ? problem.line === 1
          ? this.elementColumn + problem.column - 1
          : problem.column
        : this.elementColumn;
      throw new DataError(
        { file: this.file, line, column },
        `invalid JSON: ${problem?.problem ?? 'this array element does not parse'}`,
      );
    }
    if (!isPlainObject(value))
      throw new DataError(location, `expected each array element to be an object, got ${describeJsonType(value)}`);
    return { value, location };
  }

  private advance(c: string): void {
    if (c === '\n') {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
  }

  private here(reason: string): DataError {
    return new DataError({ file: this.file, line: this.line, column: this.column }, reason);
  }
}

function isJsonWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

export function parseJsonArray(text: string, file: string): RawRecord[] {
  const parser = new JsonArrayParser(file);
  return [...parser.push(text), ...parser.end()];
}
