// "Show what learned" on a tiny GPT-2 trained with its first block frozen: the diagram carries the
// kernel's statistics, the frozen block is cold, the hottest item is the maximum, and values display.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../../../kernel/engine/backends/ladder';
import { create } from '../../../../kernel/engine/models/create';
import { train } from '../../../../kernel/engine/train/trainer';
import { trainingStats } from '../../../../kernel/engine/train/trainingStats';
import { freeze } from '../../../../kernel/engine/tuners/freeze';
import { withTrainingStats } from '../../../../kernel/server/layerTrainingStats';
import { buildDiagram, itemsInOrder } from '../../../../webviews/freezeMap/diagram';
import {
  formatHeat,
  hasTrainingStats,
  heatMax,
  heatShare,
  type HeatMetric,
} from '../../../../webviews/freezeMap/heatmap';
import { parseMessage } from '../../../../webviews/common/parseMessage';
import { FreezeMapToWebview } from '../../../../webviews/freezeMap/messages';

const CONFIG = { model_type: 'gpt2', n_layer: 2, n_embd: 16, n_head: 2, vocab_size: 32, n_positions: 16 };
const data = Array.from({ length: 8 }, (_, i) => ({ inputIds: [1 + (i % 5), 7, 3 + i, 11 - (i % 3)] }));

describe('freeze map heatmap', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('an untrained model has no statistics: the switch stays off', () => {
    const m = create(CONFIG, { seed: 2 });
    const d = buildDiagram(m.layers());
    assert.equal(hasTrainingStats(d), false);
    assert.equal(heatMax(d, 'weightChange'), 0);
    assert.equal(heatShare(d.blocks[0], 'weightChange', 0), undefined);
    m.dispose();
  });

  it('colours a trained model: frozen block 0 is cold, trained items warm, the hottest is 1', async () => {
    const m = create(CONFIG, { seed: 2 });
    freeze(m, 'transformer.h.0');
    await train(m, data, { maxSteps: 2, batchSize: 4, learningRate: 1e-2, seed: 0, progress: false });
    const layers = withTrainingStats(m.layers(), trainingStats(m)!);
    const message = {
      type: 'freezeMap/show',
      model: { name: 'm', modelType: 'gpt2', architecture: 'GPT2LMHeadModel', params: 1, trainableParams: 1 },
      layers,
    };
    assert.equal(
      parseMessage(FreezeMapToWebview, JSON.parse(JSON.stringify(message))).ok,
      true,
      'the kernel answer passes the webview validator',
    );
    const d = buildDiagram(layers);
    assert.equal(hasTrainingStats(d), true);
    for (const metric of ['weightChange', 'gradNorm'] as HeatMetric[]) {
      const max = heatMax(d, metric);
      assert.ok(max > 0, metric);
      const shares = itemsInOrder(d).map((item) => heatShare(item, metric, max));
      assert.ok(
        shares.some((s) => s === 1),
        `${metric}: the hottest item has share 1`,
      );
      assert.equal(heatShare(d.blocks[0], metric, max), 0, `${metric}: frozen block 0`);
      for (const part of d.blocks[0].parts)
        assert.equal(heatShare(part, metric, max) ?? 0, 0, `${metric}: ${part.path}`);
      assert.ok(heatShare(d.blocks[1], metric, max)! > 0, `${metric}: trained block 1`);
      assert.ok(shares.every((s) => s === undefined || (s >= 0 && s <= 1)));
    }
    m.dispose();
  });

  it('formats weight change as a percentage and gradient norms to 3 digits', () => {
    assert.equal(formatHeat(0.01234, 'weightChange'), '1.23%');
    assert.equal(formatHeat(0, 'weightChange'), '0.00%');
    assert.equal(formatHeat(12.345, 'gradNorm'), '12.3');
    assert.equal(formatHeat(0, 'gradNorm'), '0');
  });
});
