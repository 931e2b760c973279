/**
 * The running cell was stopped because the user interrupted it (or the headless runner's --timeout ran
 * out). Thrown into the cell at its next `await` and at engine training steps; the cell's outputs show
 * "Interrupted" and the notebook's state is kept.
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';

  constructor() {
    super('Interrupted');
    this.stack = 'InterruptedError: Interrupted';
  }
}
