/**
 * Turns the kernel's models/downloadProgress notifications into one progress notification per Hub download
 * ("Downloading gpt2", "2/5 files, 210.3 / 548.1 MB"); cancelling it interrupts the kernel, which stops the
 * download and keeps the partial file. Free of `vscode`: downloadProgress.ts passes `window.withProgress`.
 */
import type { ModelDownloadProgressParams } from '../../kernel/protocol';

export interface ProgressSink {
  report(value: { increment?: number; message?: string }): void;
}

export interface CancellationSignal {
  onCancellationRequested(listener: () => void): unknown;
}

/** `window.withProgress` for a cancellable notification with this title. */
export type ShowProgress = (
  title: string,
  task: (progress: ProgressSink, token: CancellationSignal) => Promise<void>,
) => PromiseLike<unknown>;

interface Shown {
  /** Percent reported so far (VS Code's progress adds increments). */
  percent: number;
  sink?: ProgressSink;
  /** The latest params, held until the sink exists. */
  pending?: ModelDownloadProgressParams;
  end(): void;
}

export class DownloadProgressAdapter {
  private readonly shown = new Map<string, Shown>();
  /** Downloads the user cancelled: their notifications until the final one are ignored. */
  private readonly cancelled = new Set<string>();

  constructor(
    private readonly showProgress: ShowProgress,
    private readonly interrupt: () => unknown,
  ) {}

  handle(params: ModelDownloadProgressParams): void {
    const key = `${params.executionId ?? ''}\u0000${params.source}\u0000${params.revision}`;
    const final = params.state !== 'running';
    if (this.cancelled.has(key)) {
      if (final) this.cancelled.delete(key);
      return;
    }
    let shown = this.shown.get(key);
    if (shown === undefined) {
      if (final) return; // nothing was shown for it
      shown = this.show(key, params);
    }
    if (shown.sink === undefined) shown.pending = params;
    else this.report(shown, shown.sink, params);
    if (final) {
      this.shown.delete(key);
      shown.end();
    }
  }

  /** Closes every notification (the kernel went away). */
  dispose(): void {
    for (const shown of this.shown.values()) shown.end();
    this.shown.clear();
    this.cancelled.clear();
  }

  private show(key: string, params: ModelDownloadProgressParams): Shown {
    let end = () => undefined as void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const shown: Shown = { percent: 0, end: () => end() };
    void this.showProgress(downloadTitle(params), (sink, token) => {
      token.onCancellationRequested(() => {
        if (this.shown.get(key) !== shown) return;
        this.shown.delete(key);
        this.cancelled.add(key);
        shown.end();
        void this.interrupt();
      });
      shown.sink = sink;
      if (shown.pending !== undefined) this.report(shown, sink, shown.pending);
      shown.pending = undefined;
      return ended;
    });
    this.shown.set(key, shown);
    return shown;
  }

  private report(shown: Shown, sink: ProgressSink, params: ModelDownloadProgressParams): void {
    const percent =
      params.total > 0
        ? (100 * params.bytes) / params.total
        : params.files > 0
          ? (100 * params.filesDone) / params.files
          : 0;
    const increment = Math.max(0, Math.min(100, percent) - shown.percent);
    shown.percent += increment;
    sink.report(increment > 0 ? { increment, message: downloadMessage(params) } : { message: downloadMessage(params) });
  }
}

export function downloadTitle(params: Pick<ModelDownloadProgressParams, 'source' | 'revision'>): string {
  const name = params.source.split('/').at(-1) ?? params.source;
  return params.revision === 'main' ? `Downloading ${name}` : `Downloading ${name} (${params.revision})`;
}

/** "2/5 files, 210.3 / 548.1 MB", in the unit of the total (decimal units, like the Hub's pages). */
export function downloadMessage(
  p: Pick<ModelDownloadProgressParams, 'bytes' | 'total' | 'filesDone' | 'files' | 'state' | 'message'>,
): string {
  const [size, unit] = UNITS.find(([s]) => p.total >= s) ?? [1, 'B'];
  const amount = (bytes: number) => (size === 1 ? String(bytes) : (bytes / size).toFixed(1));
  const text = `${p.filesDone}/${p.files} files, ${amount(p.bytes)} / ${amount(p.total)} ${unit}`;
  if (p.state === 'failed') return `${text} — failed: ${p.message ?? 'unknown error'}`;
  if (p.state === 'interrupted') return `${text} — interrupted`;
  return text;
}

const UNITS: [number, string][] = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'kB'],
];
