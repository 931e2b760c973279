/**
 * Turns one execution's stream / display events into the cell outputs a .ftnb file stores:
 * consecutive text of one stream is one output, `replace` redraws the output it names.
 */
import { MIME, type ErrorPayload, type OutputItem } from '../../protocol';
import type { FtnbOutput } from '../../format/ftnb';
import type { ExecuteSink } from '../kernelClient';

export class OutputCollector implements ExecuteSink {
  readonly outputs: FtnbOutput[] = [];
  private readonly byId = new Map<string, FtnbOutput>();
  private lastStream: { stream: 'stdout' | 'stderr'; output: FtnbOutput } | undefined;

  constructor(private readonly listener?: Partial<ExecuteSink>) {}

  onStream(stream: 'stdout' | 'stderr', text: string): void {
    if (this.lastStream?.stream === stream) {
      this.lastStream.output.items[0].data += text;
    } else {
      const output: FtnbOutput = { items: [{ mime: stream === 'stdout' ? MIME.stdout : MIME.stderr, data: text }] };
      this.outputs.push(output);
      this.lastStream = { stream, output };
    }
    this.listener?.onStream?.(stream, text);
  }

  onDisplay(outputId: string, op: 'append' | 'replace', items: OutputItem[]): void {
    const existing = this.byId.get(outputId);
    if (op === 'replace' && existing) {
      existing.items = items;
    } else {
      const output: FtnbOutput = { items };
      this.outputs.push(output);
      this.byId.set(outputId, output);
      this.lastStream = undefined;
    }
    this.listener?.onDisplay?.(outputId, op, items);
  }

  hasError(): boolean {
    return this.outputs.some((o) => o.items.some((i) => i.mime === MIME.error));
  }

  /** Replaces the error output (or adds one) with `error`. */
  setError(error: ErrorPayload): void {
    const item: OutputItem = { mime: MIME.error, data: JSON.stringify(error) };
    const existing = this.outputs.find((o) => o.items.some((i) => i.mime === MIME.error));
    if (existing) existing.items = [item];
    else this.outputs.push({ items: [item] });
    this.lastStream = undefined;
  }
}
