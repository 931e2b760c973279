// Image datasets and augmentation for notebook cells (re-exported by kernel/engine/index.ts).
export { ImageDataset } from './imageDataset';
export type { ImageDatasetOptions, ImageBatch, ImageBatchOptions } from './imageDataset';
export { imageFolder, imageList, IMAGE_EXTENSIONS } from './imageFolder';
export type { ImageExample, ImageListOptions } from './imageFolder';
export { augmentImage, randomResizedCropBox, cropRgb, flipHorizontal } from './augment';
export type { AugmentOptions, CropBox } from './augment';
export { ImageDatasetError } from './imageDatasetError';
