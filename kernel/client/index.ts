export { KernelClient, type Disposable, type ExecuteSink, type KernelClientOptions } from './kernelClient';
export { KernelStartError } from './kernelStartError';
