export { lora, merge, unmerge, withAdaptersDisabled, loraLayers, removeLora, mergeAndUnload } from './inject';
export type { LoraSummary, LoraLayerInfo } from './inject';
export type { LoraOptions } from './config';
export { saveAdapter, loadAdapter } from './peftFormat';
export type { SaveAdapterOptions } from './peftFormat';
export { AdapterError } from './loraError';
