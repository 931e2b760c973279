// The freeze map's diagram and generated code, on the layers of real engine models (a tiny GPT-2, with and
// without LoRA adapters): sections, states, "freeze up to", presets, and code that reproduces the map.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../../../kernel/engine/backends/ladder';
import type { Model } from '../../../../kernel/engine/models/model';
import { create } from '../../../../kernel/engine/models/create';
import { freeze, unfreeze } from '../../../../kernel/engine/tuners/freeze';
import { lora } from '../../../../kernel/engine/tuners/lora';
import {
  bodyPaths,
  buildDiagram,
  freezeUpToPaths,
  headPaths,
  itemsInOrder,
  stateOf,
} from '../../../../webviews/freezeMap/diagram';
import { freezeCode } from '../../../../webviews/freezeMap/freezeCode';

const CONFIG = { model_type: 'gpt2', n_layer: 3, n_embd: 16, n_head: 2, vocab_size: 32, n_positions: 16 };
const tiny = (): Model => create(CONFIG, { seed: 3 });
const trainableMap = (m: Model) => [...m.params.entries()].map(([name, v]) => `${name}:${v.trainable}`);

/** Runs generated code against a model, with the engine's freeze/unfreeze in place of the import. */
function runFreezeCode(code: string, m: Model): void {
  const body = code.replace(/^import .*$/m, '');
  new Function('freeze', 'unfreeze', 'm', body)(freeze, unfreeze, m);
}

describe('freeze map diagram', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('splits a GPT-2 into embeddings, blocks with their parts, and the head', () => {
    const m = tiny();
    const d = buildDiagram(m.layers());
    assert.deepEqual(
      d.embeddings.map((i) => i.path),
      ['transformer.wte', 'transformer.wpe'],
    );
    assert.deepEqual(
      d.blocks.map((b) => b.path),
      ['transformer.h.0', 'transformer.h.1', 'transformer.h.2'],
    );
    assert.deepEqual(
      d.blocks[1].parts.map((p) => p.label),
      ['ln_1', 'attn', 'ln_2', 'mlp'],
    );
    assert.deepEqual(
      d.head.map((i) => i.path),
      ['transformer.ln_f', 'lm_head'],
    );
    let total = 0;
    for (const v of m.params.values()) total += v.size;
    assert.equal(d.params, total);
    assert.equal(d.trainableParams, total);
    assert.equal(d.head[1].state, 'empty', 'the tied head owns no parameters');
    assert.equal(itemsInOrder(d).length, 2 + 3 * 5 + 2);
  });

  it('colours frozen, partly frozen and trainable modules from the model', () => {
    const m = tiny();
    freeze(m, ['transformer.h.0', 'transformer.h.1.attn']);
    const d = buildDiagram(m.layers());
    assert.equal(d.blocks[0].state, 'frozen');
    assert.equal(d.blocks[1].state, 'partial');
    assert.equal(d.blocks[1].parts.find((p) => p.label === 'attn')?.state, 'frozen');
    assert.equal(d.blocks[2].state, 'trainable');
    assert.equal(stateOf(10, 0), 'frozen');
    assert.equal(stateOf(10, 3), 'partial');
    assert.equal(stateOf(0, 0), 'empty');
  });

  it("draws LoRA adapters as their own items, outside their module's base counts", () => {
    const m = tiny();
    lora(m, { r: 2 });
    const d = buildDiagram(m.layers());
    const attn = d.blocks[0].parts.find((p) => p.label === 'attn')!;
    assert.deepEqual(
      attn.adapters.map((a) => a.label),
      ['lora_A', 'lora_B'],
    );
    assert.ok(attn.adapters.every((a) => a.isAdapter && a.state === 'trainable'));
    assert.equal(attn.state, 'frozen', 'the base weights under the adapters are frozen by lora()');
    const raw = m
      .layers()[0]
      .children!.find((l) => l.kind === 'ModuleList')!
      .children![0].children!.find((l) => l.path.endsWith('attn'))!;
    assert.equal(attn.params + attn.adapters.reduce((s, a) => s + a.params, 0), raw.params);
    assert.ok(itemsInOrder(d).some((i) => i.path === 'transformer.h.0.attn.c_attn.lora_A'));
  });

  it('"freeze up to" covers everything from the input to the module, and nothing after it', () => {
    const d = buildDiagram(tiny().layers());
    assert.deepEqual(freezeUpToPaths(d, 'transformer.wpe'), ['transformer.wte', 'transformer.wpe']);
    assert.deepEqual(freezeUpToPaths(d, 'transformer.h.1'), [
      'transformer.wte',
      'transformer.wpe',
      'transformer.h.0',
      'transformer.h.1',
    ]);
    assert.deepEqual(freezeUpToPaths(d, 'transformer.h.1.attn'), [
      'transformer.wte',
      'transformer.wpe',
      'transformer.h.0',
      'transformer.h.1.ln_1',
      'transformer.h.1.attn',
    ]);
    assert.deepEqual(freezeUpToPaths(d, 'lm_head').slice(-2), ['transformer.ln_f', 'lm_head']);
    assert.deepEqual(freezeUpToPaths(d, 'no.such.module'), []);
  });

  it('presets: the body is embeddings and blocks, the head what has parameters after them', () => {
    const d = buildDiagram(tiny().layers());
    assert.deepEqual(bodyPaths(d), [
      'transformer.wte',
      'transformer.wpe',
      'transformer.h.0',
      'transformer.h.1',
      'transformer.h.2',
    ]);
    assert.deepEqual(headPaths(d), ['transformer.ln_f']);
  });

  it('generated code reproduces the map on a fresh model, whatever its starting state', () => {
    const source = tiny();
    freeze(source, ['transformer.wpe', 'transformer.h.1.mlp', 'transformer.h.2']);
    unfreeze(source, 'transformer.h.2.ln_2');
    const code = freezeCode('m', source.layers());
    assert.match(code, /^import \{ freeze, unfreeze \} from 'tunebook';\nunfreeze\(m, '\*\*'\);\nfreeze\(m, \[/);
    const target = tiny();
    freeze(target, ['transformer.wte', 'transformer.h.0']); // different start
    runFreezeCode(code, target);
    assert.deepEqual(trainableMap(target), trainableMap(source));
  });

  it('generated code for an all-trainable model only unfreezes, and a LoRA map round-trips', () => {
    assert.equal(
      freezeCode('model', tiny().layers()),
      "import { freeze, unfreeze } from 'tunebook';\nunfreeze(model, '**');",
    );
    const source = tiny();
    lora(source, { r: 2 });
    const target = tiny();
    lora(target, { r: 2 });
    unfreeze(target, '**');
    runFreezeCode(freezeCode('m', source.layers()), target);
    assert.deepEqual(trainableMap(target), trainableMap(source));
  });
});
