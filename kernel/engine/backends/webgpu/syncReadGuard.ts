/**
 * tfjs-backend-webgpu's readSync copies GPU buffers through OffscreenCanvas, which Node lacks, so under Node it
 * dies with "OffscreenCanvas is not defined". The guard keeps the reads that need no GPU copy (values already on
 * the CPU) and turns the rest into a WebGpuSyncReadError that says what to use instead.
 */
import { WebGpuSyncReadError } from './webgpuError';

const GUARDED = Symbol.for('tunebook.webgpu.readSyncGuarded');

interface TensorDataLike {
  values?: unknown;
  dtype?: string;
  shape?: number[];
}

export interface ReadSyncOwner {
  readSync(dataId: object): unknown;
}

export const SYNC_READ_MESSAGE =
  'dataSync()/arraySync()/bufferSync() cannot read a tensor that lives on the WebGPU device under Node (tfjs-backend-webgpu reads synchronously through OffscreenCanvas, and Dawn has no blocking map); use await tensor.data() / await tensor.array(), or another backend';

/** Patches `proto.readSync` (WebGPUBackend.prototype) once. */
export function guardSyncReads(
  proto: ReadSyncOwner,
  hasOffscreenCanvas: () => boolean = () =>
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined',
): void {
  const marked = proto as ReadSyncOwner & { [GUARDED]?: true };
  if (marked[GUARDED]) return;
  const original = proto.readSync;
  proto.readSync = function readSync(
    this: { tensorMap?: { get(id: object): TensorDataLike | undefined } },
    dataId: object,
  ) {
    const data = this.tensorMap?.get(dataId);
    const onCpu = data != null && (data.values != null || data.dtype === 'string');
    if (!onCpu && !hasOffscreenCanvas()) {
      const what = data?.shape ? ` (a ${data.dtype} tensor of shape [${data.shape.join(', ')}])` : '';
      throw new WebGpuSyncReadError(`${SYNC_READ_MESSAGE}${what}`);
    }
    return original.call(this, dataId);
  };
  Object.defineProperty(proto, GUARDED, { value: true });
}
