import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFtnb, serializeFtnb, type FtnbNotebook } from '../../../../kernel/format/ftnb';
import { MIME } from '../../../../kernel/protocol';
import {
  ftnbToPlain,
  itemToFtnb,
  itemToPlain,
  plainToFtnb,
  type PlainNotebook,
} from '../../../../extension/notebook/cellConversion';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);

function saved(): FtnbNotebook {
  return {
    tunebook: 1,
    metadata: { author: 'me' },
    cells: [
      { kind: 'markdown', source: '# Title\n\ntext' },
      {
        kind: 'code',
        language: 'typescript',
        source: 'console.log("hi")\ndisplay.image(png)',
        outputs: [
          { items: [{ mime: MIME.stdout, data: 'hi\n' }] },
          {
            items: [{ mime: MIME.png, data: Buffer.from(PNG).toString('base64'), encoding: 'base64' }],
            metadata: { note: 1 },
          },
          {
            items: [
              {
                mime: MIME.error,
                data: JSON.stringify({ name: 'Error', message: 'boom', stack: 'Error: boom\n    at Cell 2:1' }),
              },
            ],
          },
        ],
        execution: { order: 3, success: false, durationMs: 41 },
        metadata: { tags: ['x'] },
      },
      { kind: 'code', language: 'typescript', source: '' },
    ],
  };
}

describe('ftnb -> plain cell data', () => {
  it('maps kinds, languages, sources and metadata', () => {
    const plain = ftnbToPlain(saved());
    assert.deepEqual(plain.metadata, { author: 'me' });
    assert.deepEqual(
      plain.cells.map((c) => [c.kind, c.languageId, c.value]),
      [
        ['markup', 'markdown', '# Title\n\ntext'],
        ['code', 'typescript', 'console.log("hi")\ndisplay.image(png)'],
        ['code', 'typescript', ''],
      ],
    );
    assert.deepEqual(plain.cells[1].metadata, { tags: ['x'] });
  });

  it('decodes text items as UTF-8 and base64 items as bytes', () => {
    const outputs = ftnbToPlain(saved()).cells[1].outputs!;
    assert.equal(new TextDecoder().decode(outputs[0].items[0].data), 'hi\n');
    assert.deepEqual([...outputs[1].items[0].data], [...PNG]);
    assert.deepEqual(outputs[1].metadata, { note: 1 });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(outputs[2].items[0].data)), {
      name: 'Error',
      message: 'boom',
      stack: 'Error: boom\n    at Cell 2:1',
    });
  });

  it('turns execution into an execution summary whose timing spans the duration', () => {
    assert.deepEqual(ftnbToPlain(saved()).cells[1].executionSummary, {
      executionOrder: 3,
      success: false,
      timing: { startTime: 0, endTime: 41 },
    });
  });

  it('gives code cells without a language the cell language, typescript', () => {
    const plain = ftnbToPlain(parseFtnb('{"tunebook":1,"cells":[{"kind":"code","source":"1"}]}'));
    assert.equal(plain.cells[0].languageId, 'typescript');
  });
});

describe('plain cell data -> ftnb', () => {
  it('open then save gives back the same bytes', () => {
    const text = serializeFtnb(saved());
    const reopened = serializeFtnb(plainToFtnb(ftnbToPlain(parseFtnb(text)), { saveOutputs: true }));
    assert.equal(reopened, text);
  });

  it('saveOutputs false drops outputs and execution but keeps sources and metadata', () => {
    const stripped = plainToFtnb(ftnbToPlain(saved()), { saveOutputs: false });
    assert.deepEqual(stripped.cells[1], {
      kind: 'code',
      language: 'typescript',
      source: 'console.log("hi")\ndisplay.image(png)',
      metadata: { tags: ['x'] },
    });
    assert.doesNotMatch(serializeFtnb(stripped), /outputs|execution/);
    assert.deepEqual(stripped.metadata, { author: 'me' });
  });

  it('stores execution timing from VS Code as a duration, ignoring values that are not numbers', () => {
    const plain: PlainNotebook = {
      cells: [
        {
          kind: 'code',
          value: 'a',
          languageId: 'typescript',
          executionSummary: {
            executionOrder: 2,
            success: true,
            timing: { startTime: 1_700_000_000_000, endTime: 1_700_000_000_250 },
          },
        },
        {
          kind: 'code',
          value: 'b',
          languageId: 'typescript',
          executionSummary: { executionOrder: Number.NaN, timing: { startTime: 10, endTime: 5 } },
        },
      ],
    };
    const ftnb = plainToFtnb(plain, { saveOutputs: true });
    assert.deepEqual(ftnb.cells[0].execution, { order: 2, success: true, durationMs: 250 });
    assert.equal(ftnb.cells[1].execution, undefined);
    assert.doesNotThrow(() => serializeFtnb(ftnb));
  });

  it('leaves out empty outputs, empty metadata and the markdown language', () => {
    const ftnb = plainToFtnb(
      {
        metadata: undefined,
        cells: [
          { kind: 'markup', value: '# x', languageId: 'markdown', metadata: {} },
          { kind: 'code', value: '1', languageId: 'typescript', outputs: [], metadata: {} },
        ],
      },
      { saveOutputs: true },
    );
    assert.deepEqual(ftnb, {
      tunebook: 1,
      metadata: {},
      cells: [
        { kind: 'markdown', source: '# x' },
        { kind: 'code', language: 'typescript', source: '1' },
      ],
    });
  });
});

describe('output items', () => {
  it('stores text mimes as text and binary mimes as base64', () => {
    const cases: [string, Uint8Array, 'text' | 'base64'][] = [
      [MIME.stdout, new TextEncoder().encode('héllo 🎵\n'), 'text'],
      [MIME.html, new TextEncoder().encode('<b>x</b>'), 'text'],
      [MIME.json, new TextEncoder().encode('{"a":1}'), 'text'],
      ['application/vnd.custom+json', new TextEncoder().encode('{}'), 'text'],
      ['image/svg+xml', new TextEncoder().encode('<svg/>'), 'text'],
      [MIME.png, PNG, 'base64'],
      ['application/octet-stream', new TextEncoder().encode('abc'), 'base64'],
    ];
    for (const [mime, data, stored] of cases) {
      const item = itemToFtnb({ mime, data });
      assert.equal(item.encoding === 'base64' ? 'base64' : 'text', stored, mime);
      assert.deepEqual([...itemToPlain(item).data], [...data], `${mime} round trip`);
    }
  });

  it('falls back to base64 for a text mime whose bytes are not UTF-8, losing no byte', () => {
    const bytes = Uint8Array.from([0x68, 0xff, 0xfe, 0x69]);
    const item = itemToFtnb({ mime: MIME.text, data: bytes });
    assert.equal(item.encoding, 'base64');
    assert.deepEqual([...itemToPlain(item).data], [...bytes]);
  });

  it('encodes a byte view into a larger buffer without its neighbours', () => {
    const backing = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const view = backing.subarray(2, 4);
    assert.deepEqual([...itemToPlain(itemToFtnb({ mime: MIME.png, data: view })).data], [3, 4]);
  });
});
