// model/layers with training statistics: each LayerInfo node aggregates its parameters' last-run statistics
// (gradient: sqrt of the sum of squared norms; weight change: ‖ΔW‖/‖W‖ over the subtree), checked against a
// direct computation from weight snapshots; absent before training or when the engine is not loaded.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../../../kernel/engine/backends/ladder';
import { create } from '../../../../kernel/engine/models/create';
import type { Model } from '../../../../kernel/engine/models/model';
import { train } from '../../../../kernel/engine/train/trainer';
import { trainingStats } from '../../../../kernel/engine/train/trainingStats';
import { freeze, unfreeze } from '../../../../kernel/engine/tuners/freeze';
import { withTrainingStats } from '../../../../kernel/server/layerTrainingStats';
import { registerFreezeMap } from '../../../../kernel/server/freezeMap';
import { ModelLayersRequest, type ModelLayer } from '../../../../kernel/protocol';

const CONFIG = { model_type: 'gpt2', n_layer: 2, n_embd: 16, n_head: 2, vocab_size: 32, n_positions: 16 };
const data = Array.from({ length: 8 }, (_, i) => ({ inputIds: [2 + (i % 4), 9, 5 + i, 13 - (i % 3)] }));

function layersVia(m: Model, engine: object | undefined): ModelLayer[] {
  let handler: ((params: unknown) => unknown) | undefined;
  const connection = {
    onRequest: ((type: { method: string }, h: (params: unknown) => unknown) => {
      if (type.method === ModelLayersRequest.method) handler = h;
      return { dispose: () => undefined };
    }) as any,
    sendNotification: (() => Promise.resolve()) as any,
  };
  registerFreezeMap(connection, { globalNames: () => ['m'], loadedEngine: () => engine as any, scope: { m } });
  return (handler!({ model: 'm' }) as { layers: ModelLayer[] }).layers;
}

function flatten(layers: readonly ModelLayer[]): ModelLayer[] {
  return layers.flatMap((l) => [l, ...flatten(l.children ?? [])]);
}

const sumSquares = (values: ArrayLike<number>): number => Array.from(values).reduce((s, x) => s + x * x, 0);

describe('training statistics in model/layers', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('no statistics before training or without the engine', () => {
    const m = create(CONFIG, { seed: 4 });
    assert.ok(flatten(layersVia(m, { freeze, unfreeze, trainingStats })).every((l) => l.trainingStats === undefined));
    m.dispose();
  });

  it('each node aggregates its parameters; matches weight snapshots; frozen block 0 is all zeros', async () => {
    const m = create(CONFIG, { seed: 4 });
    freeze(m, 'transformer.h.0');
    const start = new Map([...m.params].map(([n, v]) => [n, v.dataSync().slice()]));
    await train(m, data, { maxSteps: 3, batchSize: 4, learningRate: 1e-2, seed: 0, progress: false });
    const perParam = trainingStats(m)!.params;
    const nodes = flatten(layersVia(m, { freeze, unfreeze, trainingStats }));
    assert.deepEqual(
      flatten(layersVia(m, undefined)).map((l) => l.trainingStats),
      nodes.map(() => undefined),
      'engine not loaded: no stats',
    );
    let checked = 0;
    for (const node of nodes) {
      const names = [...m.params.keys()].filter((n) => n.startsWith(`${node.path}.`));
      if (names.length === 0) {
        assert.equal(node.trainingStats, undefined, `${node.path} owns no parameters`);
        continue;
      }
      let delta = 0;
      let norm = 0;
      for (const name of names) {
        const a = start.get(name)!;
        const b = m.params.get(name)!.dataSync();
        delta += sumSquares(a.map((x, i) => b[i] - x));
        norm += sumSquares(a);
      }
      const expectedChange = Math.sqrt(delta) / Math.sqrt(norm);
      const expectedGrad = Math.sqrt(names.reduce((s, n) => s + perParam.get(n)!.gradNorm ** 2, 0));
      const got = node.trainingStats!;
      // float32 on the engine side: relative tolerance 1e-4
      assert.ok(
        Math.abs(got.weightChange - expectedChange) <= 1e-4 * expectedChange + 1e-9,
        `${node.path}: change ${got.weightChange} vs ${expectedChange}`,
      );
      assert.ok(
        Math.abs(got.gradNorm - expectedGrad) <= 1e-6 * expectedGrad + 1e-12,
        `${node.path}: grad ${got.gradNorm} vs ${expectedGrad}`,
      );
      if (node.path === 'transformer.h.0' || node.path.startsWith('transformer.h.0.'))
        assert.deepEqual(got, { gradNorm: 0, weightChange: 0 }, node.path);
      else assert.ok(got.gradNorm > 0 && got.weightChange > 0, node.path);
      checked++;
    }
    assert.ok(checked > 10, `checked ${checked} nodes`);
    m.dispose();
  });

  it('a node whose parameters all started at zero reports their absolute change', () => {
    const stats = {
      steps: 1,
      params: new Map([
        ['x.bias', { gradNorm: 3, weightChange: 0.5, deltaNorm: 0.5, startNorm: 0 }],
        ['x.w', { gradNorm: 4, weightChange: 0, deltaNorm: 0, startNorm: 0 }],
      ]),
    };
    const [node] = withTrainingStats(
      [{ path: 'x', kind: 'Linear', params: 2, trainableParams: 2, trainable: true }],
      stats,
    );
    assert.deepEqual(node.trainingStats, { gradNorm: 5, weightChange: 0.5 });
  });
});
