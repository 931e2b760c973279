/**
 * A fine-tuning adapter (LoRA, QLoRA, prompt tuning) was asked for something this model or adapter file cannot
 * do: an unsupported model, a target that matches nothing, a second injection, or an adapter folder that does
 * not fit the model. The user fixes the call or the files; nothing was changed when this is thrown.
 */
export class AdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterError';
  }
}
