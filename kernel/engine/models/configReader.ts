import { ModelConfigError } from './modelConfigError';

/**
 * Typed reads from a Hugging Face config.json, with the class defaults filled in, accepting the attribute aliases
 * (`hidden_size` for GPT-2's `n_embd`, ...). `full()` is the config with every default present, which `save`
 * writes back.
 */
export class ConfigReader {
  readonly full: Record<string, any>;

  constructor(
    raw: Record<string, any>,
    defaults: Record<string, unknown>,
    private readonly source?: string,
  ) {
    this.full = { ...defaults, ...raw };
  }

  /** First present key among `keys` (canonical name first, aliases after). */
  private value(keys: string[]): unknown {
    for (const k of keys) if (this.full[k] !== undefined && this.full[k] !== null) return this.full[k];
    return undefined;
  }

  positiveInt(...keys: string[]): number {
    const v = this.value(keys);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new ModelConfigError(`${keys[0]} must be a positive integer, got ${JSON.stringify(v)}`, this.source);
    }
    return v;
  }

  optionalInt(...keys: string[]): number | undefined {
    const v = this.value(keys);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ModelConfigError(`${keys[0]} must be an integer, got ${JSON.stringify(v)}`, this.source);
    }
    return v;
  }

  /** `eos_token_id` may be a list in newer configs; the first entry is used. */
  optionalTokenIds(...keys: string[]): number[] {
    const v = this.value(keys);
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      throw new ModelConfigError(
        `${keys[0]} must be a token id or a list of them, got ${JSON.stringify(v)}`,
        this.source,
      );
    }
    return list as number[];
  }

  number(...keys: string[]): number {
    const v = this.value(keys);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ModelConfigError(`${keys[0]} must be a number, got ${JSON.stringify(v)}`, this.source);
    }
    return v;
  }

  /** Dropout-style rate in [0, 1). */
  rate(...keys: string[]): number {
    const v = this.value(keys) ?? 0;
    if (typeof v !== 'number' || v < 0 || v >= 1) {
      throw new ModelConfigError(`${keys[0]} must be in [0, 1), got ${JSON.stringify(v)}`, this.source);
    }
    return v;
  }

  bool(...keys: string[]): boolean {
    const v = this.value(keys);
    if (typeof v !== 'boolean') {
      throw new ModelConfigError(`${keys[0]} must be true or false, got ${JSON.stringify(v)}`, this.source);
    }
    return v;
  }

  string(...keys: string[]): string {
    const v = this.value(keys);
    if (typeof v !== 'string') {
      throw new ModelConfigError(`${keys[0]} must be a string, got ${JSON.stringify(v)}`, this.source);
    }
    return v;
  }

  /** Fails for a setting the engine has no implementation of. */
  require(key: string, allowed: unknown[], why: string): void {
    const v = this.full[key];
    if (v !== undefined && !allowed.includes(v)) {
      throw new ModelConfigError(`${key} = ${JSON.stringify(v)} is not supported (${why})`, this.source);
    }
  }

  divisible(a: number, b: number, what: string): void {
    if (a % b !== 0) throw new ModelConfigError(`${what}: ${a} is not divisible by ${b}`, this.source);
  }

  /**
   * Hugging Face's rule: `num_labels` when given, else the size of `id2label`, else 2. Keeps `id2label` /
   * `label2id` consistent in `full` so a saved config reloads with the same head.
   */
  numLabels(): number {
    const explicit = this.full.num_labels;
    const id2label = this.full.id2label as Record<string, string> | undefined;
    if (explicit != null && !(typeof explicit === 'number' && Number.isInteger(explicit) && explicit > 0)) {
      throw new ModelConfigError(`num_labels must be a positive integer, got ${JSON.stringify(explicit)}`, this.source);
    }
    let n: number;
    if (typeof explicit === 'number') n = explicit;
    else if (id2label && typeof id2label === 'object' && Object.keys(id2label).length > 0)
      n = Object.keys(id2label).length;
    else n = 2;
    if (!id2label || Object.keys(id2label).length !== n) {
      this.full.id2label = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), `LABEL_${i}`]));
      this.full.label2id = Object.fromEntries(Array.from({ length: n }, (_, i) => [`LABEL_${i}`, i]));
    }
    delete this.full.num_labels;
    return n;
  }
}
