// The freeze map's kernel protocol end to end, through a real kernel process and KernelClient: a cell
// creates a model, the client lists it, freezes a block, the next cell sees it, and models/changed arrives.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ModelLayersRequest,
  ModelSetTrainableRequest,
  ModelsChangedNotification,
  ModelsListRequest,
  type ModelsChangedParams,
} from '../../../../kernel/protocol';
import { runCell, startClient, valueOf } from '../helpers/kernelHarness';

// wasm: the bundled engine's cpu backend is not registered at the moment (esbuild drops its side-effect import).
describe('model panels in a kernel process', () => {
  it('lists, freezes and reports the models cells hold', { timeout: 120_000 }, async () => {
    const client = await startClient();
    const changes: ModelsChangedParams[] = [];
    client.onNotification(ModelsChangedNotification.type, (p) => changes.push(p));
    try {
      await runCell(client, 'const n = 1;');
      assert.deepEqual(await client.request(ModelsListRequest.type, undefined), { models: [] });
      assert.equal(changes.length, 0, 'no models/changed before any model exists');

      const created = await runCell(
        client,
        "const { create, initBackend } = await import('tunebook');\nawait initBackend('wasm');\nconst m = create({ model_type: 'gpt2', n_layer: 2, n_embd: 16, n_head: 2, vocab_size: 32, n_positions: 16 });",
      );
      assert.equal(created.result.success, true, JSON.stringify(created.result.error));
      const total = Number(await valueOf(client, 'm.layers().reduce((s, l) => s + l.params, 0)'));
      const { models } = await client.request(ModelsListRequest.type, undefined);
      assert.deepEqual(models, [
        { name: 'm', modelType: 'gpt2', architecture: 'GPT2LMHeadModel', params: total, trainableParams: total },
      ]);
      assert.deepEqual(changes.at(-1)?.models, models, 'models/changed followed the cell');

      const frozen = await client.request(ModelSetTrainableRequest.type, {
        model: 'm',
        paths: ['transformer.h.1'],
        trainable: false,
      });
      assert.ok(frozen.changedParams > 0);
      assert.equal(
        await valueOf(
          client,
          "m.layers()[0].children.find((l) => l.kind === 'ModuleList').children[1].trainableParams",
        ),
        '0',
      );

      await runCell(client, "const { unfreeze } = await import('tunebook');\nunfreeze(m, 'transformer.h.1.mlp');");
      const layers = await client.request(ModelLayersRequest.type, { model: 'm' });
      assert.equal(
        layers.model.trainableParams,
        changes.at(-1)?.models[0].trainableParams,
        'models/changed carries the state after the cell',
      );
      assert.equal(
        layers.model.trainableParams,
        total -
          frozen.changedParams +
          Number(
            await valueOf(
              client,
              "m.layers()[0].children.find((l) => l.kind === 'ModuleList').children[1].children.find((c) => c.path.endsWith('mlp')).params",
            ),
          ),
      );

      await assert.rejects(client.request(ModelLayersRequest.type, { model: 'n' }), /No model named "n"/);
    } finally {
      await client.dispose();
    }
    await assert.rejects(client.request(ModelsListRequest.type, undefined), /No kernel is running/);
  });
});
