// The default progress display inside a kernel: one cell output, redrawn in place at most 4 times a second,
// reading "Downloading gpt2: 2/5 files, 210.3 / 548.1 MB". Outside a kernel it draws nothing.
import { display, type DisplayHandle } from '../../runtime/kernelBridge';
import type { DownloadProgress } from './downloadProgress';

export interface ProgressViewOptions {
  /** Minimum milliseconds between redraws; default 250. */
  minIntervalMs?: number;
  now?: () => number;
  /** Creates the output; default: the kernel's `display` (text). */
  show?: (text: string) => DisplayHandle<string>;
}

export class DownloadProgressView {
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly show: (text: string) => DisplayHandle<string>;
  private handle?: DisplayHandle<string>;
  private lastDrawAt = -Infinity;
  private last?: DownloadProgress;

  constructor(
    private readonly name: string,
    options: ProgressViewOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.now = options.now ?? (() => performance.now());
    this.show = options.show ?? ((text) => display()(text) as DisplayHandle<string>);
  }

  /** Records progress; redraws when the last redraw is old enough or the download just completed. */
  update(progress: DownloadProgress): void {
    this.last = progress;
    const complete = progress.filesDone === progress.files;
    if (complete || this.now() - this.lastDrawAt >= this.minIntervalMs) this.draw(progressText(this.name, progress));
  }

  /** Draws the final state (always), e.g. after a failure. */
  finish(problem?: string): void {
    if (this.last === undefined) return;
    const text = progressText(this.name, this.last);
    this.draw(problem === undefined ? text : `${text} — stopped: ${problem}`);
  }

  private draw(text: string): void {
    this.lastDrawAt = this.now();
    if (this.handle === undefined) this.handle = this.show(text);
    else this.handle.update(text);
  }
}

export function progressText(name: string, p: DownloadProgress): string {
  if (p.filesDone === p.files) return `Downloaded ${name}: ${p.files}/${p.files} files, ${formatBytes(p.total)}`;
  const [, unit] = unitFor(p.total);
  return `Downloading ${name}: ${p.filesDone}/${p.files} files, ${inUnit(p.bytes, p.total)} / ${inUnit(p.total, p.total)} ${unit}`;
}

/** Decimal units like the Hub's pages: 548.1 MB, 1.2 GB, 12.3 kB, 999 B. */
export function formatBytes(bytes: number): string {
  return `${inUnit(bytes, bytes)} ${unitFor(bytes)[1]}`;
}

const UNITS: [number, string][] = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'kB'],
];

function unitFor(scale: number): [number, string] {
  return UNITS.find(([size]) => scale >= size) ?? [1, 'B'];
}

/** `bytes` in the unit `scale` calls for, without the unit. */
function inUnit(bytes: number, scale: number): string {
  const [size] = unitFor(scale);
  return size === 1 ? String(bytes) : (bytes / size).toFixed(1);
}
