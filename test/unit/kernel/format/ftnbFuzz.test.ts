import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FtnbFormatError, parseFtnb, serializeFtnb, type FtnbNotebook } from '../../../../kernel/format/ftnb';
import { seededRandom } from './seededRandom';

const SEED = 0x7e57ab1e;

const VALID: FtnbNotebook = {
  tunebook: 1,
  metadata: { kernel: { backend: 'wasm' }, tags: ['a', 'b'] },
  cells: [
    { kind: 'markdown', source: '# Fine-tune\n\nsteps' },
    {
      kind: 'code',
      language: 'typescript',
      source: 'const x = 1;\nx + 1',
      outputs: [
        { items: [{ mime: 'text/plain', data: '2' }] },
        { items: [{ mime: 'image/png', data: 'iVBORw0KGgo=', encoding: 'base64' }], metadata: { id: 'o1' } },
      ],
      execution: { order: 1, success: true, durationMs: 3 },
      metadata: { note: 'é' },
    },
  ],
};

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const SNIPPETS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '1',
  '-1',
  '2',
  'null',
  'true',
  '"x"',
  '"kind"',
  '"code"',
  '"base64"',
  '\n',
  ' ',
  '\u0000',
  '🎵',
  '\ud800',
];

function mutateText(text: string, random: Random): string {
  const at = Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0:
      return text.slice(0, at); // truncation
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 8));
    case 2:
      return text.slice(0, at) + pick(random, SNIPPETS) + text.slice(at);
    case 3:
      return text.slice(0, at) + pick(random, SNIPPETS) + text.slice(at + 1);
    case 4: {
      const from = Math.floor(random() * text.length);
      return text.slice(0, at) + text.slice(from, from + 1 + Math.floor(random() * 20)) + text.slice(at);
    }
    default:
      return text.slice(at) + text.slice(0, at);
  }
}

const VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'code',
  'markdown',
  'base64',
  '@@',
  true,
  false,
  [],
  {},
  [{}],
  { items: [] },
  { mime: 'text/plain', data: 'x' },
];

/** Replaces, deletes or adds one value somewhere in the parsed JSON tree. */
function mutateTree(root: unknown, random: Random): unknown {
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown): void => {
    if (v !== null && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child);
    }
  };
  walk(root);
  const target = pick(random, containers);
  const keys = Object.keys(target);
  const key =
    keys.length > 0 && random() < 0.8
      ? pick(random, keys)
      : pick(random, ['extra', 'tunebook', 'kind', 'encoding', '__proto__', '0']);
  const action = random();
  if (action < 0.2 && !Array.isArray(target)) delete target[key];
  else
    Object.defineProperty(target, key, {
      value: structuredClone(pick(random, VALUES)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return root;
}

function checkOutcome(text: string): 'parsed' | 'rejected' {
  let nb: FtnbNotebook;
  try {
    nb = parseFtnb(text, 'fuzz.ftnb');
  } catch (error) {
    if (error instanceof FtnbFormatError && error.message.startsWith('fuzz.ftnb ')) return 'rejected';
    throw new Error(
      `parseFtnb threw something other than FtnbFormatError for ${JSON.stringify(text.slice(0, 300))}: ${String(error)}`,
    );
  }
  const written = serializeFtnb(nb);
  assert.deepEqual(parseFtnb(written), nb);
  assert.equal(serializeFtnb(parseFtnb(written)), written);
  return 'parsed';
}

describe('parseFtnb fuzz (seeded)', () => {
  const base = serializeFtnb(VALID);

  it('text mutations and truncations either parse or throw FtnbFormatError', () => {
    const random = seededRandom(SEED);
    const counts = { parsed: 0, rejected: 0 };
    for (let n = 0; n < 4000; n++) {
      let text = base;
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) text = mutateText(text, random);
      counts[checkOutcome(text)]++;
    }
    assert.ok(counts.parsed > 100 && counts.rejected > 1000, `both outcomes should occur: ${JSON.stringify(counts)}`);
  });

  it('structural mutations either parse or throw FtnbFormatError', () => {
    const random = seededRandom(SEED + 1);
    const counts = { parsed: 0, rejected: 0 };
    for (let n = 0; n < 4000; n++) {
      let tree = JSON.parse(base) as unknown;
      const rounds = 1 + Math.floor(random() * 2);
      for (let r = 0; r < rounds; r++) tree = mutateTree(tree, random);
      counts[checkOutcome(JSON.stringify(tree))]++;
    }
    assert.ok(counts.parsed > 100 && counts.rejected > 1000, `both outcomes should occur: ${JSON.stringify(counts)}`);
  });
});
