/**
 * `train()` / `evaluate()` cannot run with what they were given: data of the wrong shape for the task, a model
 * without the head the task needs, options out of range, or a checkpoint that does not fit the model. The
 * message says which input is wrong; the caller fixes it and runs the cell again (the model is left unchanged).
 */
export class TrainerError extends Error {
  override readonly name = 'TrainerError';

  constructor(problem: string) {
    super(problem);
  }
}
