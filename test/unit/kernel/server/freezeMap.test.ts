// The kernel side of the freeze map and the model list (server/freezeMap.ts, server/models.ts): models found
// among the notebook's globals, their layers, freeze / unfreeze applied to the live model, specific errors, and
// `models/changed` after cells.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { initBackend } from '../../../../kernel/engine/backends/ladder';
import { create } from '../../../../kernel/engine/models/create';
import type { Model } from '../../../../kernel/engine/models/model';
import { freeze, unfreeze } from '../../../../kernel/engine/tuners/freeze';
import { heldModels, isEngineModel } from '../../../../kernel/server/heldModels';
import { registerFreezeMap } from '../../../../kernel/server/freezeMap';
import { registerModels } from '../../../../kernel/server/models';
import {
  FreezeMapErrorCode,
  ModelLayersRequest,
  ModelSetTrainableRequest,
  ModelsChangedNotification,
  ModelsListRequest,
} from '../../../../kernel/protocol';

const CONFIG = { model_type: 'gpt2', n_layer: 2, n_embd: 16, n_head: 2, vocab_size: 32, n_positions: 16 };

/** A connection that records handlers and notifications instead of speaking JSON-RPC. */
function fakeConnection() {
  const handlers = new Map<string, (params: any) => unknown>();
  const notifications: Array<{ method: string; params: any }> = [];
  return {
    handlers,
    notifications,
    onRequest: ((type: { method: string }, handler: (params: any) => unknown) => {
      handlers.set(type.method, handler);
      return { dispose: () => undefined };
    }) as any,
    sendNotification: ((type: { method: string }, params: any) => {
      notifications.push({ method: type.method, params });
      return Promise.resolve();
    }) as any,
    call(method: string, params?: unknown): any {
      const handler = handlers.get(method);
      assert.ok(handler, `no handler for ${method}`);
      return handler(params);
    },
  };
}

function setup(scope: Record<string, unknown>, names: string[], engineLoaded = true) {
  const connection = fakeConnection();
  registerFreezeMap(connection, {
    globalNames: () => names,
    loadedEngine: () => (engineLoaded ? { freeze, unfreeze } : undefined),
    scope,
  });
  const models = registerModels(connection, { globalNames: () => names, scope });
  return { connection, models };
}

const sizeOf = (m: Model, prefix: string) =>
  [...m.params.entries()].filter(([n]) => n.startsWith(prefix)).reduce((s, [, v]) => s + v.size, 0);

describe('kernel freeze map handlers', () => {
  let m: Model;
  let total: number;
  before(async () => {
    await initBackend('cpu');
  });

  it('recognises engine models by shape among the globals, in declaration order', () => {
    m = create(CONFIG, { seed: 1 });
    total = sizeOf(m, '');
    const scope = { a: 1, m, other: { layers: () => [] }, alias: m, nothing: null };
    assert.equal(isEngineModel(m), true);
    assert.equal(isEngineModel({ layers: () => [], params: new Map(), modelType: 'gpt2' }), false);
    assert.deepEqual(
      heldModels(['a', 'm', 'other', 'alias', 'nothing', 'missing'], scope).map((h) => h.name),
      ['m', 'alias'],
    );
    const throwing = Object.defineProperty({}, 'boom', {
      get: () => {
        throw new Error('no');
      },
    });
    assert.deepEqual(heldModels(['boom'], throwing), []);
  });

  it('models/list and model/layers describe the live model', () => {
    m = create(CONFIG, { seed: 1 });
    const { connection } = setup({ m, x: 3 }, ['x', 'm']);
    const list = connection.call(ModelsListRequest.method);
    assert.deepEqual(list, {
      models: [
        { name: 'm', modelType: 'gpt2', architecture: 'GPT2LMHeadModel', params: total, trainableParams: total },
      ],
    });
    const layers = connection.call(ModelLayersRequest.method, { model: 'm' });
    assert.deepEqual(layers.layers, JSON.parse(JSON.stringify(m.layers())), 'a plain copy of layers()');
    assert.deepEqual(layers.model, list.models[0]);
  });

  it("model/setTrainable freezes and unfreezes the kernel's model at once", () => {
    m = create(CONFIG, { seed: 1 });
    const { connection } = setup({ m }, ['m']);
    const block = sizeOf(m, 'transformer.h.0.');
    const frozen = connection.call(ModelSetTrainableRequest.method, {
      model: 'm',
      paths: ['transformer.h.0'],
      trainable: false,
    });
    assert.equal(frozen.changedParams, block);
    assert.equal(frozen.model.trainableParams, total - block);
    assert.ok(
      [...m.params.entries()].every(([n, v]) => v.trainable === !n.startsWith('transformer.h.0.')),
      'the live variables changed',
    );
    const blockInfo = frozen.layers[0].children.find((l: any) => l.kind === 'ModuleList').children[0];
    assert.equal(blockInfo.trainableParams, 0);
    const again = connection.call(ModelSetTrainableRequest.method, { model: 'm', paths: ['**'], trainable: true });
    assert.equal(again.changedParams, block);
    assert.equal(again.model.trainableParams, total);
  });

  it('answers specific errors: unknown model, selector matching nothing, empty paths, engine not loaded', () => {
    m = create(CONFIG, { seed: 1 });
    const { connection } = setup({ m }, ['m']);
    const rejects = (fn: () => unknown, code: number, message: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof ResponseError && e.code === code && message.test(e.message));
    rejects(
      () => connection.call(ModelLayersRequest.method, { model: 'gone' }),
      FreezeMapErrorCode.noSuchModel,
      /No model named "gone".*holds: m/,
    );
    rejects(
      () =>
        connection.call(ModelSetTrainableRequest.method, { model: 'm', paths: ['transformer.nope'], trainable: false }),
      FreezeMapErrorCode.badSelector,
      /"transformer\.nope" matches no module/,
    );
    rejects(
      () => connection.call(ModelSetTrainableRequest.method, { model: 'm', paths: [], trainable: false }),
      FreezeMapErrorCode.badSelector,
      /non-empty list/,
    );
    assert.equal(sizeOf(m, ''), total);
    assert.ok(
      [...m.params.values()].every((v) => v.trainable),
      'a failed request changes nothing',
    );
    const noEngine = setup({ m }, ['m'], false);
    rejects(
      () => noEngine.connection.call(ModelSetTrainableRequest.method, { model: 'm', paths: ['**'], trainable: false }),
      FreezeMapErrorCode.noSuchModel,
      /engine is not loaded/,
    );
  });

  it('sends models/changed after cells while models exist, once more when the last one goes, then stays quiet', () => {
    const scope: Record<string, unknown> = { x: 1 };
    const names = ['x'];
    const { connection, models } = setup(scope, names);
    models.afterCell();
    assert.equal(connection.notifications.length, 0, 'no model ever: no notice');
    m = create(CONFIG, { seed: 1 });
    scope.m = m;
    names.push('m');
    freeze(m, 'transformer.wte');
    models.afterCell();
    assert.equal(connection.notifications.length, 1);
    assert.equal(connection.notifications[0].method, ModelsChangedNotification.method);
    assert.equal(connection.notifications[0].params.models[0].trainableParams, total - sizeOf(m, 'transformer.wte.'));
    scope.m = 'replaced';
    models.afterCell();
    assert.deepEqual(connection.notifications[1].params, { models: [] });
    models.afterCell();
    assert.equal(connection.notifications.length, 2);
  });
});
