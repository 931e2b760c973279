/**
 * Finds where and why a text is not valid JSON (RFC 8259), so errors can say "line 3, column 7"
 * in the same words on every Node version. Iterative, so deep nesting cannot overflow the stack.
 */
export interface JsonErrorLocation {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, counted in UTF-16 code units. */
  column: number;
  problem: string;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'afterValue';

/** Returns undefined when the text is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const stack: ('{' | '[')[] = [];
  let i = 0;
  let expect: Expect = 'value';
  const fail = (problem: string, at: number = i): JsonErrorLocation => ({
    offset: at,
    ...lineAndColumn(text, at),
    problem,
  });

  for (;;) {
    while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      if (expect === 'afterValue' && stack.length === 0) return undefined;
      const open = stack[stack.length - 1];
      return fail(
        open
          ? `the text ends inside an unclosed ${open === '{' ? 'object' : 'array'}`
          : 'the text ends where a value was expected',
      );
    }
    const c = text[i];
    switch (expect as Expect) {
      case 'keyOrClose':
      case 'key': {
        if ((expect as Expect) === 'keyOrClose' && c === '}') {
          stack.pop();
          i++;
          expect = 'afterValue';
          break;
        }
        if (c !== '"') return fail(`expected a double-quoted property name, found ${describeChar(c)}`);
        const error = scanString();
        if (error) return error;
        while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
        if (text[i] !== ':')
          return fail(
            i >= text.length
              ? "the text ends where ':' was expected"
              : `expected ':' after a property name, found ${describeChar(text[i])}`,
          );
        i++;
        expect = 'value';
        break;
      }
      case 'valueOrClose':
      case 'value': {
        if ((expect as Expect) === 'valueOrClose' && c === ']') {
          stack.pop();
          i++;
          expect = 'afterValue';
          break;
        }
        const error = scanValueStart(c);
        if (error) return error;
        break;
      }
      case 'afterValue': {
        const open = stack[stack.length - 1];
        if (!open) return fail(`unexpected ${describeChar(c)} after the end of the JSON document`);
        const close = open === '{' ? '}' : ']';
        if (c === ',') {
          i++;
          expect = open === '{' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
        } else {
          return fail(`expected ',' or '${close}', found ${describeChar(c)}`);
        }
        break;
      }
    }
  }

  function scanValueStart(c: string): JsonErrorLocation | undefined {
    if (c === '{') {
      stack.push('{');
      i++;
      expect = 'keyOrClose';
      return undefined;
    }
    if (c === '[') {
      stack.push('[');
      i++;
      expect = 'valueOrClose';
      return undefined;
    }
    expect = 'afterValue';
    if (c === '"') return scanString();
    if (c === '-' || isDigit(c)) return scanNumber();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return undefined;
      }
    }
    return fail(`expected a value, found ${describeChar(c)}`);
  }

  function scanString(): JsonErrorLocation | undefined {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) return fail('unterminated string', start);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return undefined;
      }
      if (code < 0x20) return fail('raw control character inside a string (write it as an escape such as \\n)');
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          i += 6;
        } else {
          return fail('invalid escape sequence in a string');
        }
      } else {
        i++;
      }
    }
  }

  function scanNumber(): JsonErrorLocation | undefined {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) return fail('malformed number');
    i += match[0].length;
    return undefined;
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function describeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${c}'`;
}
