/** A job was stopped (kernel interrupt or its abort signal) and the signal carried no reason of its own. */
export class TrainingStoppedError extends Error {
  override readonly name = 'TrainingStoppedError';

  constructor(what: string) {
    super(`${what} was stopped before it finished`);
  }
}
