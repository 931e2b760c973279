import type { TensorEntry } from '../io/safetensors';
import { CheckpointError } from './checkpointError';
import type { LoadReport } from './model';
import type { ParamOptions, ParamValues } from './params';

/**
 * Maps the architecture's canonical parameter names onto a checkpoint's tensors, accepting the spellings found
 * on the Hub: with or without the base-model prefix (`transformer.`, `bert.`, `distilbert.`, `vit.`) and the
 * legacy `LayerNorm.gamma` / `LayerNorm.beta`. Shapes must match exactly; a missing task-head tensor is left to
 * initialise (and reported), a missing backbone tensor is an error raised by `finish()`.
 */
export class CheckpointValues implements ParamValues {
  private readonly used = new Set<string>();
  private readonly missing: string[] = [];
  private readonly mismatched: string[] = [];
  readonly report: LoadReport = { initialized: [], ignored: [], renamed: [] };

  constructor(
    private readonly weights: Map<string, TensorEntry>,
    private readonly basePrefix: string,
    private readonly source: string,
    /** Head tensors whose shape may differ from the checkpoint's (e.g. numLabels overridden): re-initialise them. */
    private readonly reinitMismatchedHeads = false,
  ) {}

  take(name: string, shape: number[], opts: ParamOptions): Float32Array | undefined {
    const key = this.candidates(name).find((k) => this.weights.has(k));
    if (key === undefined) {
      if (opts.head) this.report.initialized.push(name);
      else this.missing.push(name);
      return undefined;
    }
    const entry = this.weights.get(key)!;
    this.used.add(key);
    if (!sameShape(entry.shape, shape)) {
      if (opts.head && this.reinitMismatchedHeads) {
        this.report.initialized.push(name);
        return undefined;
      }
      this.mismatched.push(`${key}: checkpoint [${entry.shape.join(', ')}], config needs [${shape.join(', ')}]`);
      return undefined;
    }
    if (!(entry.data instanceof Float32Array)) {
      throw new CheckpointError(this.source, `tensor ${key} has dtype ${entry.dtype}; a float parameter is needed`, [
        key,
      ]);
    }
    if (key !== name) this.report.renamed.push({ from: key, to: name });
    return entry.data;
  }

  /** Throws for missing / mismatched backbone tensors; records the tensors nothing used. */
  finish(): LoadReport {
    if (this.mismatched.length > 0) {
      throw new CheckpointError(
        this.source,
        `${this.mismatched.length} tensor shape(s) do not match config.json: ${list(this.mismatched)}`,
        this.mismatched,
      );
    }
    if (this.missing.length > 0) {
      throw new CheckpointError(
        this.source,
        `the checkpoint lacks ${this.missing.length} tensor(s) the architecture needs: ${list(this.missing)}` +
          ' (is config.json from a different model?)',
        this.missing,
      );
    }
    this.report.ignored = [...this.weights.keys()].filter((k) => !this.used.has(k)).sort();
    return this.report;
  }

  private candidates(name: string): string[] {
    const prefix = `${this.basePrefix}.`;
    const spellings = name.startsWith(prefix) ? [name, name.slice(prefix.length)] : [name, prefix + name];
    const legacy = spellings.flatMap((n) =>
      n.endsWith('LayerNorm.weight')
        ? [n.replace(/weight$/, 'gamma')]
        : n.endsWith('LayerNorm.bias')
          ? [n.replace(/bias$/, 'beta')]
          : [],
    );
    return [...spellings, ...legacy];
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function list(items: string[]): string {
  const shown = items.slice(0, 8).join('; ');
  return items.length > 8 ? `${shown}; … and ${items.length - 8} more` : shown;
}
