/**
 * The compute backend the user asked for (TUNEBOOK_BACKEND, the `tunebook.backend` setting or `--backend`)
 * cannot be used. The message names the choice, why it failed and what the user can do; the user handles it
 * by installing the missing package or choosing another backend.
 */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(message: string) {
    super(message);
  }
}
