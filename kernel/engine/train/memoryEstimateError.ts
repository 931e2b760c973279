/** A training run that the memory estimate says cannot fit the backend's limit, or an estimate that cannot be made. */
export class MemoryEstimateError extends Error {
  override name = 'MemoryEstimateError';
}
