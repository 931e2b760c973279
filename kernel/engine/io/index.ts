// The io layer's public surface for notebook cells (re-exported by kernel/engine/index.ts).
export { Tokenizer } from './tokenizer';
export { TokenizerError } from './tokenizerError';
export { parseSafetensors, serializeSafetensors } from './safetensors';
export type { SafetensorsDType, TensorEntry } from './safetensors';
export { SafetensorsError } from './safetensorsError';
export { readHfFolder, writeHfFolder } from './hfFolder';
export { HfFolderError } from './hfFolderError';
export { resolveSource } from './hub/resolveSource';
export type { ResolveSourceOptions } from './hub/resolveSource';
export type { DownloadProgress, DownloadProgressCallback } from './hub/downloadProgress';
export { HubError } from './hubError';
export type { HubErrorKind } from './hubError';
export { readImage, decodeImage } from './image';
export type { RgbImage } from './image';
export { loadImage, loadImages, preprocessImage } from './preprocess';
export type { PreprocessorConfig, ImageTensor } from './preprocess';
export { ImageError } from './imageError';
