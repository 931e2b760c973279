import { TrainerError } from './trainerError';

/**
 * A training job cannot take its next step: nothing to train, or the loss became NaN or infinite (that step
 * was not applied). A `TrainerError`, so callers that catch the trainer's errors catch it too.
 */
export class TrainingLoopError extends TrainerError {
  constructor(problem: string) {
    super(problem);
    Object.defineProperty(this, 'name', { value: 'TrainingLoopError' });
  }
}
