/** Errors of the WebGPU rung (Dawn's Node bindings + @tensorflow/tfjs-backend-webgpu). */

/** The WebGPU rung cannot start here; the message completes "skipped because …" (e.g. "no WebGPU adapter: …"). */
export class WebGpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuUnavailableError';
  }
}

/**
 * A synchronous read (`dataSync()`, `arraySync()`, `bufferSync()`) of a tensor that lives on the GPU.
 * tfjs-backend-webgpu reads synchronously through OffscreenCanvas, which Node does not have, and Dawn offers
 * no blocking map, so only the asynchronous reads (`await t.data()`, `await t.array()`) work on this backend.
 */
export class WebGpuSyncReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuSyncReadError';
  }
}
