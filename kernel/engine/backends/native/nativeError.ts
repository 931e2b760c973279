/** The native backend (OpenBLAS addon) is absent, failed to load, or was handed something it cannot run. */
export class NativeBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeBackendError';
  }
}
