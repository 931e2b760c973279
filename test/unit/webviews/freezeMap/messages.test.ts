// The freeze map's message unions and the shared parseMessage: valid messages pass typed, malformed,
// oversized and unknown ones are refused with a message naming the problem.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_CHARS, parseMessage } from '../../../../webviews/common/parseMessage';
import { FreezeMapFromWebview, FreezeMapToWebview } from '../../../../webviews/freezeMap/messages';

const layer = (path: string, children?: unknown[]) => ({
  path,
  kind: 'Linear',
  params: 4,
  trainableParams: 4,
  trainable: true,
  ...(children ? { children } : {}),
});
const model = { name: 'm', modelType: 'gpt2', architecture: 'GPT2LMHeadModel', params: 8, trainableParams: 4 };

describe('freeze map messages', () => {
  it('accepts each well-formed message from the webview and keeps it unchanged', () => {
    const messages = [
      { type: 'freezeMap/ready' },
      { type: 'freezeMap/setTrainable', paths: ['transformer.h.0', 'transformer.h.*.attn'], trainable: false },
      { type: 'freezeMap/preset', preset: 'freezeAllButHead' },
      { type: 'freezeMap/preset', preset: 'unfreezeAll' },
      { type: 'freezeMap/insertCode' },
    ];
    for (const message of messages) {
      const parsed = parseMessage(FreezeMapFromWebview, message);
      assert.deepEqual(parsed, { ok: true, message }, JSON.stringify(message));
    }
  });

  it('accepts a nested layer tree to the webview and rejects a bad node deep inside it by its path', () => {
    const good = { type: 'freezeMap/show', model, layers: [layer('a', [layer('a.b', [layer('a.b.c')])])] };
    assert.equal(parseMessage(FreezeMapToWebview, good).ok, true);
    const bad = structuredClone(good) as { layers: { children: { children: { params: unknown }[] }[] }[] };
    bad.layers[0].children[0].children[0].params = -1;
    const parsed = parseMessage(FreezeMapToWebview, bad);
    assert.equal(parsed.ok, false);
    assert.match(
      !parsed.ok ? parsed.error : '',
      /message\.layers\[0\]\.children\[0\]\.children\[0\]\.params must be at least 0/,
    );
  });

  it('accepts optional training statistics on layer nodes and rejects negative, non-finite or extra fields', () => {
    const stats = { gradNorm: 0.25, weightChange: 0.001 };
    const good = {
      type: 'freezeMap/show',
      model,
      layers: [
        { ...layer('a', [{ ...layer('a.b'), trainingStats: stats }]), trainingStats: { gradNorm: 0, weightChange: 0 } },
      ],
    };
    assert.deepEqual(parseMessage(FreezeMapToWebview, good), { ok: true, message: good });
    const cases: Array<[unknown, RegExp]> = [
      [
        { gradNorm: -1, weightChange: 0 },
        /message\.layers\[0\]\.children\[0\]\.trainingStats\.gradNorm must be at least 0/,
      ],
      [{ gradNorm: 1, weightChange: Number.POSITIVE_INFINITY }, /trainingStats\.weightChange must be a finite number/],
      [{ gradNorm: 1 }, /trainingStats\.weightChange must be a finite number, got undefined/],
      [{ gradNorm: 1, weightChange: 0, steps: 3 }, /trainingStats\.steps is not expected/],
      ['0.5', /trainingStats must be/],
    ];
    for (const [bad, expected] of cases) {
      const message = {
        type: 'freezeMap/show',
        model,
        layers: [layer('a', [{ ...layer('a.b'), trainingStats: bad }])],
      };
      const parsed = parseMessage(FreezeMapToWebview, message);
      assert.equal(parsed.ok, false, JSON.stringify(bad));
      assert.match(!parsed.ok ? parsed.error : '', expected);
    }
  });

  it('rejects malformed messages with the path of each problem', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /message must be a message object, got null/],
      ['freezeMap/ready', /message must be a message object/],
      [[{ type: 'freezeMap/ready' }], /got an array/],
      [{ paths: [] }, /message\.type must be a string/],
      [
        { type: 'freezeMap/setTrainable', paths: ['a', 3], trainable: 'no' },
        /message\.paths\[1\] must be a string.*message\.trainable must be true or false/,
      ],
      [{ type: 'freezeMap/setTrainable', paths: 'a', trainable: true }, /message\.paths must be an array/],
      [
        { type: 'freezeMap/preset', preset: 'freezeEverything' },
        /message\.preset must be one of "freezeAllButHead", "unfreezeAll"/,
      ],
      [{ type: 'freezeMap/ready', extra: 1 }, /message\.extra is not expected/],
      [
        { type: 'freezeMap/setTrainable', paths: ['x'.repeat(513)], trainable: true },
        /message\.paths\[0\] is longer than 512/,
      ],
    ];
    for (const [raw, expected] of cases) {
      const parsed = parseMessage(FreezeMapFromWebview, raw);
      assert.equal(parsed.ok, false, JSON.stringify(raw));
      assert.match(!parsed.ok ? parsed.error : '', expected);
    }
  });

  it('rejects a message of an unknown type and names the known ones', () => {
    const parsed = parseMessage(FreezeMapFromWebview, { type: 'freezeMap/deleteModel' });
    assert.equal(parsed.ok, false);
    assert.match(
      !parsed.ok ? parsed.error : '',
      /"freezeMap\/deleteModel" is not a known message \(known: freezeMap\/ready, freezeMap\/setTrainable/,
    );
    // A message of the other direction is unknown here too.
    assert.equal(parseMessage(FreezeMapFromWebview, { type: 'freezeMap/busy', busy: true }).ok, false);
    // Prototype keys are not message types.
    assert.equal(parseMessage(FreezeMapFromWebview, { type: 'constructor' }).ok, false);
  });

  it('rejects an oversized message before looking at its shape', () => {
    const paths = Array.from({ length: 9000 }, (_, i) => `transformer.h.${i}.${'x'.repeat(500)}`);
    const raw = { type: 'freezeMap/setTrainable', paths, trainable: true };
    const parsed = parseMessage(FreezeMapFromWebview, raw);
    assert.equal(parsed.ok, false);
    assert.match(!parsed.ok ? parsed.error : '', new RegExp(`over the ${MAX_MESSAGE_CHARS}-character limit`));
    const small = parseMessage(FreezeMapFromWebview, { type: 'freezeMap/ready' }, 10);
    assert.match(!small.ok ? small.error : '', /over the 10-character limit/);
  });

  it('refuses values JSON cannot carry without throwing', () => {
    const cyclic: Record<string, unknown> = { type: 'freezeMap/ready' };
    cyclic.self = cyclic;
    const parsed = parseMessage(FreezeMapFromWebview, cyclic);
    assert.equal(parsed.ok, false);
    assert.match(!parsed.ok ? parsed.error : '', /not JSON-serialisable/);
    assert.equal(
      parseMessage(FreezeMapFromWebview, { type: 'freezeMap/setTrainable', paths: [], trainable: Number.NaN }).ok,
      false,
    );
  });

  it('survives random junk (fuzz): never throws, accepts only schema-valid values', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const atoms = [null, true, 0, -1, 1.5, '', 'freezeMap/ready', 'freezeMap/setTrainable', [], {}, Number.NaN];
    const junk = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.4) return atoms[Math.floor(rand() * atoms.length)];
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => junk(depth + 1));
      const keys = ['type', 'paths', 'trainable', 'preset', 'x'];
      return Object.fromEntries(keys.filter(() => rand() < 0.5).map((k) => [k, junk(depth + 1)]));
    };
    for (let i = 0; i < 3000; i++) {
      const value = junk(0);
      const parsed = parseMessage(FreezeMapFromWebview, value);
      if (parsed.ok)
        assert.ok(
          ['freezeMap/ready', 'freezeMap/insertCode'].includes((value as { type: string }).type) ||
            (value as { type: string }).type === 'freezeMap/setTrainable',
        );
    }
  });
});
