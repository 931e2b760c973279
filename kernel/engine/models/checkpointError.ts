/**
 * Checkpoint weights that do not fit the architecture in config.json: a missing backbone tensor or a shape
 * mismatch. Raised by `load`; every variable created so far is disposed. The user points `load` at a matching
 * checkpoint (or fixes config.json).
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly source: string,
    problem: string,
    readonly tensors: string[] = [],
  ) {
    super(`${source}: ${problem}`);
  }
}
