import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FtnbFormatError,
  emptyFtnb,
  parseFtnb,
  serializeFtnb,
  type FtnbNotebook,
} from '../../../../kernel/format/ftnb';

const SPEC_EXAMPLE = `{ "tunebook": 1, "metadata": {}, "cells": [
  { "kind": "markdown", "source": "# Title" },
  { "kind": "code", "language": "typescript", "source": "const x = 1;\\nx + 1",
    "outputs": [ { "items": [ { "mime": "text/plain", "data": "2" } ] } ],
    "execution": { "order": 1, "success": true, "durationMs": 3 } } ] }`;

function richNotebook(): FtnbNotebook {
  return {
    tunebook: 1,
    metadata: { zeta: [1, { b: true, a: null }], alpha: 'first', nested: { deep: { deeper: 'x' } } },
    cells: [
      { kind: 'markdown', source: '# Title\n\nSome *text* with unicode: ünïcødé 🎵', metadata: { tags: ['intro'] } },
      {
        kind: 'code',
        language: 'typescript',
        source: 'console.log("hi");\nconsole.error("oops");\ndisplay.image(png)',
        outputs: [
          {
            items: [
              { mime: 'application/vnd.code.notebook.stdout', data: 'hi\n' },
              { mime: 'application/vnd.code.notebook.stderr', data: 'oops\n' },
            ],
          },
          {
            items: [
              {
                mime: 'image/png',
                data: Buffer.from([137, 80, 78, 71, 0, 255]).toString('base64'),
                encoding: 'base64',
              },
            ],
            metadata: { outputId: 'o1' },
          },
          {
            items: [
              {
                mime: 'application/vnd.code.notebook.error',
                data: JSON.stringify({
                  name: 'TypeError',
                  message: 'x is not a function',
                  stack: 'TypeError: x\n    at cell 2:3',
                }),
              },
            ],
          },
        ],
        execution: { order: 7, success: false, durationMs: 12.5 },
        metadata: { collapsed: false },
      },
      { kind: 'code', language: 'typescript', source: '' },
      { kind: 'code', source: 'no language given', outputs: [] },
    ],
  };
}

describe('parseFtnb', () => {
  it('reads the format example from the contract', () => {
    const nb = parseFtnb(SPEC_EXAMPLE);
    assert.deepEqual(nb, {
      tunebook: 1,
      metadata: {},
      cells: [
        { kind: 'markdown', source: '# Title' },
        {
          kind: 'code',
          language: 'typescript',
          source: 'const x = 1;\nx + 1',
          outputs: [{ items: [{ mime: 'text/plain', data: '2' }] }],
          execution: { order: 1, success: true, durationMs: 3 },
        },
      ],
    });
  });

  it('reads an empty or whitespace-only file as a new empty notebook', () => {
    for (const text of ['', '   \n\t ', '\ufeff']) assert.deepEqual(parseFtnb(text), emptyFtnb());
  });

  it('accepts a leading byte-order mark and a missing notebook metadata', () => {
    const nb = parseFtnb('\ufeff{"tunebook": 1, "cells": []}');
    assert.deepEqual(nb, { tunebook: 1, metadata: {}, cells: [] });
  });

  it('keeps free-form metadata, including a "__proto__" key as plain data', () => {
    const nb = parseFtnb('{"tunebook":1,"metadata":{"__proto__":{"polluted":true},"k":[1,"2",null]},"cells":[]}');
    assert.equal(Object.getPrototypeOf(nb.metadata), Object.prototype);
    assert.deepEqual(Object.keys(nb.metadata), ['__proto__', 'k']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(nb.metadata, '__proto__')?.value, { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('serializeFtnb', () => {
  it('round-trips a notebook with every field kind', () => {
    const nb = richNotebook();
    assert.deepEqual(parseFtnb(serializeFtnb(nb)), nb);
  });

  it('writes 2-space indent, a trailing newline and canonical key order', () => {
    const text = serializeFtnb(parseFtnb(SPEC_EXAMPLE));
    assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'));
    assert.match(text, /^\{\n  "tunebook": 1,\n  "metadata": \{\},\n  "cells": \[\n    \{\n      "kind": "markdown",/);
    const code = text.slice(text.indexOf('"kind": "code"'));
    const order = ['"kind"', '"language"', '"source"', '"outputs"', '"execution"'].map((k) => code.indexOf(k));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.ok(order.every((i) => i >= 0));
  });

  it('orders keys the same whatever order the caller built objects in', () => {
    const a = serializeFtnb({
      cells: [{ source: 's', metadata: { b: 1, a: 2 }, kind: 'code' }],
      metadata: { y: 1, x: 2 },
      tunebook: 1,
    } as FtnbNotebook);
    const b = serializeFtnb({
      tunebook: 1,
      metadata: { x: 2, y: 1 },
      cells: [{ kind: 'code', source: 's', metadata: { a: 2, b: 1 } }],
    });
    assert.equal(a, b);
    assert.ok(a.indexOf('"x"') < a.indexOf('"y"'));
  });

  it('gives the same bytes when a file it wrote is read and written again', () => {
    const once = serializeFtnb(richNotebook());
    const twice = serializeFtnb(parseFtnb(once));
    assert.equal(twice, once);
    assert.equal(serializeFtnb(parseFtnb(twice)), once);
  });

  it('drops optional fields left undefined instead of writing them', () => {
    const text = serializeFtnb({
      tunebook: 1,
      metadata: {},
      cells: [
        {
          kind: 'code',
          source: 'x',
          language: undefined,
          outputs: undefined,
          execution: { order: undefined, success: true },
        },
      ],
    });
    assert.doesNotMatch(text, /language|outputs|order/);
    assert.deepEqual(parseFtnb(text).cells[0], { kind: 'code', source: 'x', execution: { success: true } });
  });

  it('refuses to write what it could not read back, naming the field', () => {
    const nb = richNotebook();
    nb.cells[1].execution = { durationMs: Number.NaN };
    assert.throws(
      () => serializeFtnb(nb),
      (e: unknown) =>
        e instanceof FtnbFormatError &&
        e.path === 'cells[1].execution.durationMs' &&
        /Cannot save the notebook: cells\[1\]\.execution\.durationMs must be a finite number/.test(e.message),
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(
      () => serializeFtnb({ tunebook: 1, metadata: circular, cells: [] }),
      (e: unknown) => e instanceof FtnbFormatError && /nested more than 100 levels deep/.test(e.message),
    );
    assert.throws(
      () => serializeFtnb({ tunebook: 1, metadata: { big: 1n }, cells: [] }),
      (e: unknown) => e instanceof FtnbFormatError && /metadata is not JSON data/.test(e.message),
    );
  });
});

describe('parseFtnb rejections', () => {
  function rejection(text: string): FtnbFormatError {
    try {
      parseFtnb(text, 'demo.ftnb');
    } catch (error) {
      assert.ok(error instanceof FtnbFormatError, `expected FtnbFormatError, got ${String(error)}`);
      return error;
    }
    assert.fail(`parsed without error: ${text}`);
  }

  it('reports invalid JSON with line and column', () => {
    const e = rejection('{\n  "tunebook": 1,\n  "cells": [}\n');
    assert.equal(e.problem, 'syntax');
    assert.equal(e.line, 3);
    assert.equal(e.column, 13);
    assert.equal(
      e.message,
      "demo.ftnb is not valid JSON (line 3, column 13: expected a value, found '}'). The file was not changed; fix it in a text editor or restore it from version control.",
    );
  });

  it('reports a truncated file as ending inside an unclosed array', () => {
    const e = rejection(SPEC_EXAMPLE.slice(0, 60));
    assert.equal(e.problem, 'syntax');
    assert.match(e.message, /the text ends inside an unclosed (array|object)|unterminated string/);
  });

  it('reports a newer format version and asks to update', () => {
    const e = rejection('{"tunebook": 2, "metadata": {}, "cells": [], "newThing": true}');
    assert.equal(e.problem, 'version');
    assert.equal(
      e.message,
      'demo.ftnb was written by a newer Tunebook (format version 2); this Tunebook reads format version 1. Update the Tunebook extension to open it; the file was not changed.',
    );
  });

  const shapes: [string, string, RegExp][] = [
    ['[]', '', /the file must hold a JSON object, found an array/],
    ['{"metadata":{},"cells":[]}', 'tunebook', /tunebook is missing/],
    ['{"tunebook":"1","cells":[]}', 'tunebook', /tunebook must be 1, found the string "1"/],
    ['{"tunebook":0,"cells":[]}', 'tunebook', /tunebook must be 1, found the number 0/],
    ['{"tunebook":1}', 'cells', /cells must be an array, found nothing/],
    ['{"tunebook":1,"cells":[],"extra":1}', 'extra', /extra is not a known property .*put extra data under "metadata"/],
    ['{"tunebook":1,"metadata":[],"cells":[]}', 'metadata', /metadata must be an object, found an array/],
    ['{"tunebook":1,"cells":[null]}', 'cells[0]', /cells\[0\] must be an object, found null/],
    [
      '{"tunebook":1,"cells":[{"kind":"raw","source":""}]}',
      'cells[0].kind',
      /must be "markdown" or "code", found the string "raw"/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":""},{"kind":"code","source":["a"]}]}',
      'cells[1].source',
      /cells\[1\]\.source must be a string, found an array/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","language":"","source":""}]}',
      'cells[0].language',
      /must be a non-empty string/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"markdown","source":"","outputs":[]}]}',
      'cells[0].outputs',
      /markdown cells have no outputs/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"markdown","source":"","execution":{}}]}',
      'cells[0].execution',
      /markdown cells are not executed/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","outputs":{}}]}',
      'cells[0].outputs',
      /must be an array, found an object/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","outputs":[{"items":[{"mime":"","data":""}]}]}]}',
      'cells[0].outputs[0].items[0].mime',
      /must be a non-empty string/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","outputs":[{"items":[{"mime":"text/plain","data":2}]}]}]}',
      'cells[0].outputs[0].items[0].data',
      /must be a string, found the number 2/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","outputs":[{"items":[{"mime":"image/png","data":"x","encoding":"hex"}]}]}]}',
      'cells[0].outputs[0].items[0].encoding',
      /must be "base64" when present/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","outputs":[{"items":[{"mime":"image/png","data":"not base64!","encoding":"base64"}]}]}]}',
      'cells[0].outputs[0].items[0].data',
      /is not valid base64/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","outputs":[{"items":[],"id":"o"}]}]}',
      'cells[0].outputs[0].id',
      /is not a known property/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","execution":{"order":-1}}]}',
      'cells[0].execution.order',
      /must be a whole number >= 0, found the number -1/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","execution":{"order":1.5}}]}',
      'cells[0].execution.order',
      /must be a whole number >= 0/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","execution":{"success":"yes"}}]}',
      'cells[0].execution.success',
      /must be true or false/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","execution":{"durationMs":-3}}]}',
      'cells[0].execution.durationMs',
      /must be a finite number >= 0/,
    ],
    [
      '{"tunebook":1,"cells":[{"kind":"code","source":"","metadata":"x"}]}',
      'cells[0].metadata',
      /must be an object, found the string "x"/,
    ],
    [
      `{"tunebook":1,"metadata":{"a":${'['.repeat(150)}${']'.repeat(150)}},"cells":[]}`,
      'metadata.a' + '[0]'.repeat(99),
      /nested more than 100 levels deep/,
    ],
  ];
  for (const [text, path, message] of shapes) {
    const label = path.length > 40 ? `${path.slice(0, 40)}…` : path || '(top level)';
    it(`rejects a wrong shape at "${label}"`, () => {
      const e = rejection(text);
      assert.equal(e.problem, 'shape');
      assert.equal(e.path ?? '', path);
      assert.match(e.message, message);
      assert.match(e.message, /^demo\.ftnb is not a valid Tunebook notebook: .*The file was not changed/);
    });
  }
});
