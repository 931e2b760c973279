import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  COMPOSED_ELSEWHERE,
  ENGINE_KERNELS,
  WEBGPU_ROUTES,
  installWebgpuRouting,
  missingKernels,
} from '../../../../../../kernel/engine/backends/webgpu/kernelRouting';
import { GPU_TILE_MAX_RANK, routeTile } from '../../../../../../kernel/engine/backends/webgpu/tileRoute';
import { SYNC_READ_MESSAGE, guardSyncReads } from '../../../../../../kernel/engine/backends/webgpu/syncReadGuard';
import { WebGpuSyncReadError } from '../../../../../../kernel/engine/backends/webgpu/webgpuError';

// A second CPU backend under another name: the Tile route is installed on it exactly as on 'webgpu', and its
// low-rank Tile calls are counted, so the routing is checked against the stock cpu kernels.
const ROUTED = 'routed-cpu';
const innerTileRanks: number[] = [];

before(async () => {
  require('@tensorflow/tfjs-backend-cpu');
  tf.registerBackend(ROUTED, () => new MathBackendCPU(), 0);
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: ROUTED });
  const stockTile = tf.getKernel('Tile', ROUTED)!;
  tf.unregisterKernel('Tile', ROUTED);
  tf.registerKernel({
    ...stockTile,
    kernelFunc: (args) => {
      innerTileRanks.push((args.inputs.x as tf.TensorInfo).shape.length);
      return stockTile.kernelFunc(args);
    },
  });
  routeTile(ROUTED);
  routeTile(ROUTED); // idempotent
});

async function on<T>(backend: string, run: () => T): Promise<T> {
  assert.ok(await tf.setBackend(backend));
  return run();
}

function sample(shape: number[]): number[] {
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7919) % 101) - 50);
}

test('rank ≥ 5 tiles and broadcasts run as rank-3 tiles and equal the stock cpu kernel exactly', async () => {
  const cases: Array<[number[], number[]]> = [
    [
      [2, 1, 3, 1, 2],
      [1, 3, 1, 4, 2],
    ],
    [
      [1, 2, 1, 2, 1, 3],
      [2, 1, 3, 1, 2, 1],
    ],
    [
      [2, 3, 1, 2, 2],
      [1, 1, 1, 1, 1],
    ],
  ];
  for (const [shape, reps] of cases) {
    const values = sample(shape);
    const expected = await on('cpu', () => tf.tidy(() => tf.tile(tf.tensor(values, shape), reps).arraySync()));
    innerTileRanks.length = 0;
    const got = await on(ROUTED, () => tf.tidy(() => tf.tile(tf.tensor(values, shape), reps).arraySync()));
    assert.deepEqual(got, expected, `tile [${shape}] by [${reps}]`);
    assert.ok(
      innerTileRanks.every((r) => r === 3),
      `inner tiles are rank 3, got ${innerTileRanks}`,
    );
    assert.equal(innerTileRanks.length, reps.filter((r) => r > 1).length, 'one inner tile per repeated axis');
  }
  const source = sample([2, 1, 3, 1, 1]);
  const broadcastExpected = await on('cpu', () =>
    tf.tidy(() => tf.broadcastTo(tf.tensor(source, [2, 1, 3, 1, 1]), [2, 4, 3, 2, 5]).arraySync()),
  );
  const broadcastGot = await on(ROUTED, () =>
    tf.tidy(() => tf.broadcastTo(tf.tensor(source, [2, 1, 3, 1, 1]), [2, 4, 3, 2, 5]).arraySync()),
  );
  assert.deepEqual(broadcastGot, broadcastExpected, 'broadcastTo goes through the same kernel');
});

test('ranks ≤ 4 go to the original kernel unchanged; the route leaves no tensors behind', async () => {
  const rank5 = () =>
    tf.tidy(() => {
      tf.tile(tf.ones([2, 1, 2, 1, 2]), [1, 2, 1, 2, 1]);
    });
  await on(ROUTED, () => undefined);
  const backend = tf.engine().backend as unknown as { numDataIds(): number };
  const tensorsBefore = tf.memory().numTensors;
  const dataBefore = backend.numDataIds();
  innerTileRanks.length = 0;
  const got = await on(ROUTED, () =>
    tf.tidy(() => tf.tile(tf.tensor(sample([2, 3, 1, 2]), [2, 3, 1, 2]), [2, 1, 3, 1]).arraySync()),
  );
  const expected = await on('cpu', () =>
    tf.tidy(() => tf.tile(tf.tensor(sample([2, 3, 1, 2]), [2, 3, 1, 2]), [2, 1, 3, 1]).arraySync()),
  );
  assert.deepEqual(got, expected);
  assert.deepEqual(innerTileRanks, [GPU_TILE_MAX_RANK]);
  await on(ROUTED, rank5);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backend.numDataIds(), dataBefore, 'intermediate views are disposed on the backend too');
});

test('every kernel the engine runs is registered for webgpu (after routing), except those composed elsewhere', () => {
  require('@tensorflow/tfjs-backend-webgpu'); // registers its kernels even without navigator.gpu
  const { WebGPUBackend } = require('@tensorflow/tfjs-backend-webgpu');
  installWebgpuRouting(WebGPUBackend);
  assert.ok(tf.getKernelsForBackend('webgpu').length > 100, 'the webgpu kernels are registered');
  assert.deepEqual(missingKernels('webgpu'), [...COMPOSED_ELSEWHERE]);
  assert.deepEqual(
    missingKernels('cpu', ['Add', 'NoSuchKernel']),
    ['NoSuchKernel'],
    'missingKernels reports what is absent',
  );
  assert.ok(ENGINE_KERNELS.includes('BatchMatMul') && ENGINE_KERNELS.includes('UnsortedSegmentSum'));
  assert.equal(tf.env().getBool('WEBGPU_CPU_FORWARD'), false, 'small tensors must not silently run on the CPU');
  assert.equal(
    (tf.getKernel('Tile', 'webgpu')!.kernelFunc as { routed?: boolean }).routed,
    true,
    'the webgpu Tile is the routed one',
  );
  for (const route of WEBGPU_ROUTES) assert.ok(route.kernel && route.problem && route.route);
});

test('readSync of a GPU-resident tensor is a WebGpuSyncReadError; CPU-resident values still read', () => {
  class FakeWebGpuBackend {
    tensorMap = new Map<object, { values?: unknown; dtype: string; shape: number[] }>();
    readSync(dataId: object): unknown {
      const data = this.tensorMap.get(dataId)!;
      if (data.values != null) return data.values;
      throw new ReferenceError('OffscreenCanvas is not defined');
    }
  }
  let canvas = false;
  guardSyncReads(FakeWebGpuBackend.prototype, () => canvas);
  guardSyncReads(FakeWebGpuBackend.prototype, () => canvas);
  const backend = new FakeWebGpuBackend();
  const onGpu = {};
  const onCpu = {};
  backend.tensorMap.set(onGpu, { dtype: 'float32', shape: [2, 3] });
  backend.tensorMap.set(onCpu, { values: new Float32Array([1, 2]), dtype: 'float32', shape: [2] });
  assert.deepEqual(backend.readSync(onCpu), new Float32Array([1, 2]));
  assert.throws(
    () => backend.readSync(onGpu),
    (e: unknown) =>
      e instanceof WebGpuSyncReadError &&
      e.message.startsWith(SYNC_READ_MESSAGE) &&
      /await tensor\.data\(\)/.test(e.message) &&
      /float32 tensor of shape \[2, 3\]/.test(e.message),
  );
  canvas = true;
  assert.throws(
    () => backend.readSync(onGpu),
    /OffscreenCanvas is not defined/,
    'with OffscreenCanvas the original read runs',
  );
});
