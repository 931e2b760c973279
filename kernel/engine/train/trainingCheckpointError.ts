/**
 * A training checkpoint folder cannot be written or read back: a missing or malformed
 * `trainer_state.json`, a missing weights/optimizer file, a tensor that cannot be stored.
 * Raised by `saveCheckpoint` / `loadCheckpoint`; a failed save never touches the previous
 * checkpoint, so the user can resume from it (or delete the broken folder named in the message).
 */
export class TrainingCheckpointError extends Error {
  override readonly name = 'TrainingCheckpointError';

  constructor(
    /** The checkpoint folder (or file in it) the problem is about. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`training checkpoint ${path}: ${problem}`);
  }
}
