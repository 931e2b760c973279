// LoRA: injection leaves outputs unchanged at first, merge == unmerged, PEFT adapters made by an independent
// PyTorch reference (scripts/make_adapter_golden.py) give its logits, save → load round trip, disabling adapters,
// and training only A and B. Tolerances: 1e-4 against the float64 reference (as the model parity tests),
// 1e-5 between merged and unmerged float32 forwards of the same model.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { load } from '../../../../../kernel/engine/models/load';
import { create } from '../../../../../kernel/engine/models/create';
import { train } from '../../../../../kernel/engine/train/trainer';
import {
  lora,
  loraLayers,
  merge,
  mergeAndUnload,
  removeLora,
  unmerge,
  withAdaptersDisabled,
} from '../../../../../kernel/engine/tuners/lora/inject';
import { loadAdapter, loraOptionsFromPeft, saveAdapter } from '../../../../../kernel/engine/tuners/lora/peftFormat';
import { resolveLoraConfig } from '../../../../../kernel/engine/tuners/lora/config';
import { AdapterError } from '../../../../../kernel/engine/tuners/lora/loraError';
import { parseSafetensors } from '../../../../../kernel/engine/io/safetensors';
import { fixtureDir, maxAbsDiff } from '../models/golden';
import { useTestBackend } from '../models/testBackend';
import { snapshot, TINY_DISTILBERT, TINY_GPT2 } from '../train/trainerFakes';

const ADAPTERS = join(__dirname, '..', '..', '..', '..', 'fixtures', 'adapters');
const IDS = [
  [5, 17, 200, 33, 90, 4],
  [100, 101, 7, 8, 250, 266],
];

before(useTestBackend);

function adapterExpected(name: string): any {
  return JSON.parse(readFileSync(join(ADAPTERS, name, 'expected.json'), 'utf8'));
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('injection: targets by suffix and layer, A ~ U(±1/√in), B = 0, outputs unchanged, only A/B trainable', async () => {
  const model = await load(fixtureDir('gpt2'));
  const baseline = model.logits(IDS);
  const summary = lora(model, { r: 4, alpha: 8, targets: ['c_attn', 'c_proj'], layers: [1], seed: 3 });
  assert.deepEqual(summary.adapted, [
    'transformer.h.1.attn.c_attn',
    'transformer.h.1.attn.c_proj',
    'transformer.h.1.mlp.c_proj',
  ]);
  const a = model.params.get('transformer.h.1.attn.c_attn.lora_A.weight')!;
  const b = model.params.get('transformer.h.1.attn.c_attn.lora_B.weight')!;
  assert.deepEqual(a.shape, [4, 32]);
  assert.deepEqual(b.shape, [96, 4]);
  const aValues = a.dataSync();
  const bound = 1 / Math.sqrt(32);
  assert.ok(
    aValues.every((x) => Math.abs(x) <= bound) && Math.max(...aValues.map(Math.abs)) > bound / 2,
    'A within kaiming-uniform bound',
  );
  assert.ok(b.dataSync().every((x) => x === 0));
  const trainable = model
    .trainableVariables()
    .map((v) => [...model.params].find(([, p]) => p === v)![0])
    .sort();
  assert.deepEqual(trainable, summary.adapted.flatMap((p) => [`${p}.lora_A.weight`, `${p}.lora_B.weight`]).sort());
  const after = model.logits(IDS);
  assert.equal(maxDiff(after, baseline), 0);
  // adapters show in layers() and in loraLayers()
  const flat = (ls: any[]): any[] => ls.flatMap((l) => [l, ...flat(l.children ?? [])]);
  const adapterNodes = flat(model.layers())
    .filter((l) => l.kind === 'LoraAdapter')
    .map((l) => l.path);
  assert.ok(
    adapterNodes.includes('transformer.h.1.attn.c_attn.lora_A') &&
      adapterNodes.includes('transformer.h.1.mlp.c_proj.lora_B'),
  );
  assert.equal(adapterNodes.length, 6);
  const info = loraLayers(model);
  assert.equal(info.length, 3);
  assert.ok(info.every((l) => l.fanInFanOut && l.scaling === 2 && l.trainable));
  tf.dispose([baseline, after]);
  model.dispose();
});

test('bad options fail clearly and change nothing', () => {
  const model = create(TINY_GPT2, { seed: 1 });
  assert.throws(
    () => lora(model, { targets: ['q_lin'] }),
    /match no Linear\/Conv1D layer; this model's are named c_attn, c_proj, c_fc/,
  );
  assert.throws(() => lora(model, { r: 0 }), /rank r must be a positive integer/);
  assert.throws(() => lora(model, { dropout: 1 }), /dropout must be in \[0, 1\)/);
  assert.equal(model.trainableVariables().length, model.params.size);
  lora(model);
  assert.throws(() => lora(model), /already has LoRA adapters/);
  model.dispose();
});

test('PEFT GPT-2 adapter (Conv1D, fan_in_fan_out, layers_to_transform) gives the reference W + (α/r)·B·A logits', async () => {
  const model = await load(fixtureDir('gpt2'));
  await loadAdapter(model, join(ADAPTERS, 'lora_gpt2'));
  const want = adapterExpected('lora_gpt2');
  const logits = model.logits(want.ids);
  const diff = maxAbsDiff(logits, want.logits);
  assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
  const base = withAdaptersDisabled(model, () => model.logits(want.ids));
  assert.ok(maxAbsDiff(base, want.logits) > 1e-2, 'the adapter changes the logits');
  merge(model);
  const merged = model.logits(want.ids);
  assert.ok(maxAbsDiff(merged, want.logits) <= 1e-4);
  assert.ok(maxDiff(merged, logits) <= 1e-5, 'merged == unmerged');
  const baseWhileMerged = withAdaptersDisabled(model, () => model.logits(want.ids));
  assert.ok(maxDiff(baseWhileMerged, base) <= 1e-5, 'disabling unmerges for the call');
  const again = model.logits(want.ids);
  assert.ok(maxDiff(again, merged) <= 1e-6, 'merged again after the call');
  unmerge(model);
  const unmerged = model.logits(want.ids);
  assert.ok(maxDiff(unmerged, logits) <= 1e-5);
  // merge_and_unload: a plain model (no adapter parameters) with the adapted logits
  const paramsBefore = model.params.size;
  mergeAndUnload(model);
  assert.equal(model.params.size, paramsBefore - 6);
  assert.equal(loraLayers(model).length, 0);
  const plain = model.logits(want.ids);
  assert.ok(maxAbsDiff(plain, want.logits) <= 1e-4);
  tf.dispose([logits, base, merged, baseWhileMerged, again, unmerged, plain]);
  model.dispose();
});

test('PEFT DistilBERT adapter with modules_to_save (classifier + pre_classifier) gives the reference logits', async () => {
  const model = await load(fixtureDir('distilbert'));
  await loadAdapter(model, join(ADAPTERS, 'lora_distilbert'));
  const want = adapterExpected('lora_distilbert');
  const logits = model.logits(want.ids, { attentionMask: want.mask });
  const diff = maxAbsDiff(logits, want.logits);
  assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
  assert.ok(model.params.get('classifier.weight')!.trainable && model.params.get('pre_classifier.bias')!.trainable);
  assert.equal(model.params.get('distilbert.transformer.layer.0.attention.q_lin.weight')!.trainable, false);
  logits.dispose();
  model.dispose();
});

test('merged logits equal unmerged within 1e-5 (DistilBERT, trained-looking B)', async () => {
  const model = create(TINY_DISTILBERT, { seed: 4 });
  lora(model, { r: 4, alpha: 16, seed: 5 });
  for (const l of loraLayers(model)) {
    const b = model.params.get(`${l.path}.lora_B.weight`)!;
    tf.tidy(() => b.assign(tf.randomNormal(b.shape, 0, 0.5, 'float32', 6)));
  }
  const ids = [
    [2, 5, 9, 3],
    [2, 7, 3, 0],
  ];
  const mask = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
  ];
  const before = model.logits(ids, { attentionMask: mask });
  const base = withAdaptersDisabled(model, () => model.logits(ids, { attentionMask: mask }));
  assert.ok(maxDiff(before, base) > 1e-3);
  merge(model);
  const merged = model.logits(ids, { attentionMask: mask });
  assert.ok(maxDiff(before, merged) <= 1e-5, `merged differs by ${maxDiff(before, merged)}`);
  tf.dispose([before, base, merged]);
  model.dispose();
});

test('save → load round trip in PEFT format (keys, shapes, config), into a fresh model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lora-'));
  try {
    const model = create(TINY_DISTILBERT, { seed: 7 });
    lora(model, { r: 2, alpha: 4, targets: ['q_lin', 'v_lin'], seed: 8 });
    for (const l of loraLayers(model)) {
      const b = model.params.get(`${l.path}.lora_B.weight`)!;
      tf.tidy(() => b.assign(tf.randomNormal(b.shape, 0, 0.5, 'float32', 9)));
    }
    await saveAdapter(model, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    assert.equal(cfg.peft_type, 'LORA');
    assert.equal(cfg.r, 2);
    assert.equal(cfg.lora_alpha, 4);
    assert.equal(cfg.fan_in_fan_out, false);
    assert.equal(cfg.bias, 'none');
    assert.equal(cfg.task_type, 'SEQ_CLS');
    assert.deepEqual(cfg.target_modules, ['q_lin', 'v_lin']);
    assert.deepEqual(cfg.modules_to_save, ['classifier']);
    const keys = [...parseSafetensors(readFileSync(join(dir, 'adapter_model.safetensors'))).tensors.entries()];
    const byName = new Map(keys.map(([k, t]) => [k, t.shape]));
    assert.deepEqual(
      byName.get('base_model.model.distilbert.transformer.layer.1.attention.v_lin.lora_A.weight'),
      [2, 16],
    );
    assert.deepEqual(
      byName.get('base_model.model.distilbert.transformer.layer.1.attention.v_lin.lora_B.weight'),
      [16, 2],
    );
    assert.deepEqual(byName.get('base_model.model.classifier.weight'), [2, 16]);
    assert.ok(byName.has('base_model.model.pre_classifier.bias'));
    assert.equal(keys.length, 2 * 2 * 2 + 4);

    const fresh = create(TINY_DISTILBERT, { seed: 7 });
    await loadAdapter(fresh, dir);
    const ids = [[2, 5, 9, 3]];
    const a = model.logits(ids);
    const b = fresh.logits(ids);
    assert.equal(maxDiff(a, b), 0);
    // a folder that does not fit leaves the model as it was
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(
      join(broken, 'adapter_config.json'),
      JSON.stringify({ ...cfg, target_modules: ['q_lin', 'k_lin', 'v_lin'] }),
    );
    copyFileSync(join(dir, 'adapter_model.safetensors'), join(broken, 'adapter_model.safetensors'));
    const third = create(TINY_DISTILBERT, { seed: 7 });
    const paramsBefore = third.params.size;
    await assert.rejects(
      loadAdapter(third, broken),
      /has no tensor base_model\.model\.distilbert\.transformer\.layer\.0\.attention\.k_lin\.lora_A\.weight/,
    );
    assert.equal(third.params.size, paramsBefore);
    assert.equal(loraLayers(third).length, 0);
    assert.equal(third.trainableVariables().length, paramsBefore);
    tf.dispose([a, b]);
    [model, fresh, third].forEach((m) => m.dispose());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train(): only A and B change, frozen weights stay bit-identical; dropout only in training; no tensor leak', async () => {
  const model = create(TINY_GPT2, { seed: 11 });
  lora(model, { r: 4, alpha: 8, dropout: 0.5, targets: ['c_attn', 'c_fc'], seed: 12 });
  const beforeValues = await snapshot(model);
  const data = Array.from({ length: 4 }, (_, i) => ({ inputIds: [1 + i, 5, 9, 2, 7] }));
  const first = model.logits(IDS.map((r) => r.map((x) => x % 24)));
  const tensorsBefore = tf.memory().numTensors;
  await train(model, data, { maxSteps: 3, batchSize: 2, learningRate: 1e-2, progress: false });
  assert.ok(
    tf.memory().numTensors <= tensorsBefore + 2,
    `tensors grew from ${tensorsBefore} to ${tf.memory().numTensors}`,
  );
  const afterValues = await snapshot(model);
  for (const [name, w] of beforeValues) {
    if (/lora_[AB]\.weight$/.test(name)) assert.notDeepEqual(afterValues.get(name), w, `${name} did not train`);
    else assert.deepEqual(afterValues.get(name), w, `${name} changed`);
  }
  // deterministic at inference even with dropout configured; different with training: true
  const x = IDS.map((r) => r.map((v) => v % 24));
  const [p, q, t] = [model.logits(x), model.logits(x), model.logits(x, { training: true })];
  assert.equal(maxDiff(p, q), 0);
  assert.ok(maxDiff(p, t) > 0);
  tf.dispose([first, p, q, t]);
  removeLora(model);
  assert.equal(loraLayers(model).length, 0);
  assert.equal(model.trainableVariables().length, model.params.size);
  model.dispose();
});

test('BERT and ViT default targets (query, value); forward leaks no tensors; async withAdaptersDisabled restores after the promise', async () => {
  const bert = await load(fixtureDir('bert'));
  const ids = [[2, 7, 9, 3]];
  const base = bert.logits(ids);
  const summary = lora(bert, { seed: 1 });
  assert.ok(summary.adapted.length > 0 && summary.adapted.every((p) => /\.attention\.self\.(query|value)$/.test(p)));
  for (const l of loraLayers(bert)) {
    const b = bert.params.get(`${l.path}.lora_B.weight`)!;
    tf.tidy(() => b.assign(tf.onesLike(b)));
  }
  const tensors = tf.memory().numTensors;
  const adapted = bert.logits(ids);
  assert.equal(tf.memory().numTensors, tensors + 1);
  assert.ok(maxDiff(adapted, base) > 1e-3);
  const during = await withAdaptersDisabled(bert, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return bert.logits(ids);
  });
  assert.equal(maxDiff(during, base), 0);
  const afterwards = bert.logits(ids);
  assert.equal(maxDiff(afterwards, adapted), 0);
  assert.throws(
    () =>
      withAdaptersDisabled(bert, () => {
        throw new Error('boom');
      }),
    /boom/,
  );
  const again = bert.logits(ids);
  assert.equal(maxDiff(again, adapted), 0, 'adapters back on after a throwing fn');
  const vit = await load(fixtureDir('vit'));
  const vitSummary = lora(vit);
  assert.ok(vitSummary.adapted.length > 0 && vitSummary.adapted.every((p) => /\.(query|value)$/.test(p)));
  tf.dispose([base, adapted, during, afterwards, again]);
  [bert, vit].forEach((m) => m.dispose());
});

test('adapter folders PEFT settings the engine cannot reproduce are refused clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lora-bad-'));
  try {
    const cfg = JSON.parse(readFileSync(join(ADAPTERS, 'lora_gpt2', 'adapter_config.json'), 'utf8'));
    copyFileSync(join(ADAPTERS, 'lora_gpt2', 'adapter_model.safetensors'), join(dir, 'adapter_model.safetensors'));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ use_dora: true }, /use_dora adapters are not supported/],
      [{ bias: 'all' }, /bias "all" is not supported/],
      [{ peft_type: 'IA3' }, /peft_type is "IA3"/],
      [{ rank_pattern: { c_attn: 2 } }, /rank_pattern is not supported/],
      [{ r: 2 }, /has shape \[4, 32\], the model needs \[2, 32\]/],
    ];
    for (const [change, error] of cases) {
      writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ ...cfg, ...change }));
      const model = await load(fixtureDir('gpt2'));
      await assert.rejects(loadAdapter(model, dir), error);
      assert.equal(loraLayers(model).length, 0);
      model.dispose();
    }
    writeFileSync(join(dir, 'adapter_config.json'), '{ not json');
    const model = await load(fixtureDir('gpt2'));
    await assert.rejects(loadAdapter(model, dir), /cannot read .*adapter_config\.json/);
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fuzz: any adapter_config.json either resolves to valid options or fails with an AdapterError', () => {
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const values = [
    undefined,
    null,
    0,
    -1,
    1,
    2.5,
    8,
    'x',
    '',
    'c_attn',
    ['c_attn'],
    [],
    [1],
    {},
    { a: 1 },
    true,
    NaN,
    [0, 1],
    'c_.*',
  ];
  const fields = [
    'peft_type',
    'r',
    'lora_alpha',
    'lora_dropout',
    'target_modules',
    'layers_to_transform',
    'modules_to_save',
    'bias',
    'use_dora',
    'rank_pattern',
  ];
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const cfg: Record<string, unknown> = { peft_type: 'LORA', r: 4, lora_alpha: 8, target_modules: ['c_attn'] };
    for (const f of fields) if (rand() < 0.3) cfg[f] = pick(values);
    try {
      const options = loraOptionsFromPeft(cfg, 'fuzz');
      const resolved = resolveLoraConfig(options, 'gpt2', 'GPT2LMHeadModel');
      assert.ok(Number.isSafeInteger(resolved.r) && resolved.r > 0 && resolved.dropout >= 0 && resolved.dropout < 1);
      accepted++;
    } catch (error) {
      assert.ok(error instanceof AdapterError, `config ${JSON.stringify(cfg)} threw ${(error as Error).stack}`);
    }
  }
  assert.ok(accepted > 100, `only ${accepted} accepted`);
});
