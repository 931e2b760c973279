/**
 * Turns a running cell's kernel events (stream text, display append/replace) into edits of the
 * cell's outputs, in order. Free of `vscode`: the controller supplies an OutputTarget that wraps a
 * vscode.NotebookCellExecution, unit tests supply a recording one.
 *
 * Stream text is batched for a few milliseconds so a chatty training loop costs one edit per batch,
 * and consecutive text on the same stream grows one output instead of adding a new output per line.
 */
import { MIME, type OutputItem } from '../../kernel/protocol';

/** Edits of one cell's outputs. `O` is whatever handle the target uses for an output it appended. */
export interface OutputTarget<O> {
  appendOutput(items: OutputItem[]): Promise<O>;
  appendItems(output: O, items: OutputItem[]): Promise<void>;
  replaceItems(output: O, items: OutputItem[]): Promise<void>;
}

export type Scheduler = (callback: () => void, delayMs: number) => { cancel(): void };

export const defaultScheduler: Scheduler = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return { cancel: () => clearTimeout(timer) };
};

export const STREAM_BATCH_MS = 40;

type Stream = 'stdout' | 'stderr';

export class OutputRouter<O> {
  private edits: Promise<void> = Promise.resolve();
  private readonly displays = new Map<string, Promise<O>>();
  /** The output most recently added, and which stream it holds if it is a stream output. */
  private last: { output: Promise<O>; stream?: Stream } | undefined;
  private pending: { stream: Stream; text: string } | undefined;
  private timer: { cancel(): void } | undefined;
  private failure: unknown;
  private sawErrorOutput = false;

  constructor(
    private readonly target: OutputTarget<O>,
    private readonly schedule: Scheduler = defaultScheduler,
    private readonly batchMs = STREAM_BATCH_MS,
  ) {}

  /** True once an `application/vnd.code.notebook.error` item has been shown for this cell. */
  get hasErrorOutput(): boolean {
    return this.sawErrorOutput;
  }

  onStream(stream: Stream, text: string): void {
    if (text === '') return;
    if (this.pending && this.pending.stream !== stream) this.flushStream();
    this.pending = this.pending ? { stream, text: this.pending.text + text } : { stream, text };
    this.timer ??= this.schedule(() => {
      this.timer = undefined;
      this.flushStream();
    }, this.batchMs);
  }

  onDisplay(outputId: string, op: 'append' | 'replace', items: OutputItem[]): void {
    this.flushStream();
    if (items.some((item) => item.mime === MIME.error)) this.sawErrorOutput = true;
    const existing = op === 'replace' ? this.displays.get(outputId) : undefined;
    if (existing) {
      this.enqueue(async () => this.target.replaceItems(await existing, items));
      return;
    }
    const output = this.appendOutput(items);
    this.displays.set(outputId, output);
    this.last = { output };
  }

  /** Shows an error (e.g. the kernel died) unless the kernel already showed one. */
  showError(error: { name: string; message: string; stack?: string }): void {
    this.onDisplay(`error-${Date.now()}`, 'append', [{ mime: MIME.error, data: JSON.stringify(error) }]);
  }

  /** Writes any batched text and waits until every edit has been applied. Rejects with the first failed edit. */
  async finish(): Promise<void> {
    this.flushStream();
    await this.edits;
    if (this.failure !== undefined) throw this.failure;
  }

  private flushStream(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    const items: OutputItem[] = [{ mime: pending.stream === 'stdout' ? MIME.stdout : MIME.stderr, data: pending.text }];
    const last = this.last;
    if (last && last.stream === pending.stream) {
      this.enqueue(async () => this.target.appendItems(await last.output, items));
    } else {
      this.last = { output: this.appendOutput(items), stream: pending.stream };
    }
  }

  private appendOutput(items: OutputItem[]): Promise<O> {
    let resolve!: (output: O) => void;
    let reject!: (error: unknown) => void;
    const output = new Promise<O>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    output.catch(() => undefined); // the failure is reported once, by finish()
    this.enqueue(async () => {
      try {
        resolve(await this.target.appendOutput(items));
      } catch (error) {
        reject(error);
        throw error;
      }
    });
    return output;
  }

  private enqueue(edit: () => Promise<void>): void {
    this.edits = this.edits.then(edit).catch((error: unknown) => {
      this.failure ??= error;
    });
  }
}
