/**
 * The slice of the WebAssembly JS API the kernels use, typed here because the project's TypeScript libs
 * (ES2022 + Node types) do not declare the `WebAssembly` global.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
