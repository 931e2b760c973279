/**
 * A config.json (or a `create` config) that describes something the engine does not build: an unknown
 * `model_type` or head, a setting with no implementation, inconsistent sizes. Nothing was allocated; the user
 * fixes the config or picks a supported model.
 */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
  constructor(
    problem: string,
    readonly source?: string,
  ) {
    super(source ? `${source}: ${problem}` : problem);
  }
}
