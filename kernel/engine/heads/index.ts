// Public head API (re-exported from kernel/engine/index.ts).
export { addClassificationHead, addScalarHead, loadHeadWeights } from './addHead';
export type { ClassificationHeadOptions, ScalarHeadOptions } from './addHead';
export { HeadModel } from './headModel';
export type { HeadPooling } from './headLayout';
export { poolHidden } from './pooling';
export type { Pooling } from './pooling';
