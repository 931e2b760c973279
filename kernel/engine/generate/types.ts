export interface GenerateOptions {
  /** Tokens to produce at most (default 32). Generation also ends at the context length (`n_positions`). */
  maxNewTokens?: number;
  /** 0 (default) = greedy argmax, as Hugging Face's default `do_sample=False`; > 0 samples from softmax(logits / T). */
  temperature?: number;
  /** Sampling only: keep the k most likely tokens (default: all). Applied after temperature, before topP. */
  topK?: number;
  /** Sampling only: keep the smallest set of tokens whose probability sums to at least p (default 1 = all). */
  topP?: number;
  /** Sampling only: equal seeds give equal samples. Default: a random seed. */
  seed?: number;
  /**
   * Stop when a generated token id is in the list (the id is kept in `ids`), or when the generated text contains
   * a stop string (needs a tokenizer; `text` is cut before it). The config's `eos_token_id` always stops
   * (unless `ignoreEos`).
   */
  stop?: Array<string | number> | string | number;
  ignoreEos?: boolean;
  /** Ends generation early (finishReason 'aborted'). Inside a kernel the running cell's interrupt signal is used. */
  signal?: AbortSignal;
  /** Called after each new token. */
  onToken?: (id: number, index: number) => void;
}

export type FinishReason = 'length' | 'eos' | 'stop' | 'context' | 'aborted';

export interface GenerateTiming {
  /** Prompt forward pass (fills the KV cache and yields the first token's logits). */
  prefillMs: number;
  /** All later single-token steps. */
  decodeMs: number;
  totalMs: number;
  /** New tokens per second over the whole call. */
  tokensPerSecond: number;
}

export interface GenerateResult {
  /** Decoded new tokens (stop string removed); undefined when the model has no tokenizer. */
  text?: string;
  /** New token ids only. */
  ids: number[];
  promptIds: number[];
  finishReason: FinishReason;
  timing: GenerateTiming;
}
