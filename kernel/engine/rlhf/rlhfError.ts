/** Bad RLHF input or options (a ranking file, pairs, a model without a tokenizer): the notebook author fixes the call or the data. */
export class RlhfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RlhfError';
  }
}
