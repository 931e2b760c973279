// Sends a Hub download's progress to the kernel's client (VS Code's progress UI), beside the cell output:
// at most 4 times a second while running, the completion of the last file and the final state always.
import type { DownloadReport } from '../../runtime/kernelBridge';
import type { DownloadProgress } from './downloadProgress';

export type FinalDownloadState = 'done' | 'failed' | 'interrupted';

export interface DownloadReporterOptions {
  /** Minimum milliseconds between running reports; default 250. */
  minIntervalMs?: number;
  now?: () => number;
}

export class DownloadReporter {
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private lastSentAt = -Infinity;
  private last?: DownloadProgress;
  private finished = false;

  constructor(
    private readonly source: string,
    private readonly revision: string,
    private readonly send: (report: DownloadReport) => void,
    options: DownloadReporterOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.now = options.now ?? (() => performance.now());
  }

  /** Records progress; sends it when the last report is old enough or all files are done. */
  update(progress: DownloadProgress): void {
    if (this.finished) return;
    this.last = progress;
    const complete = progress.filesDone === progress.files;
    if (complete || this.now() - this.lastSentAt >= this.minIntervalMs) this.sendState(progress, 'running');
  }

  /**
   * Sends the final state once, with the last progress recorded. A download that reported no progress (it failed
   * before its first file was listed) sends nothing: there was nothing to show.
   */
  finish(state: FinalDownloadState, details: { commit?: string; message?: string } = {}): void {
    if (this.finished || this.last === undefined) return;
    this.finished = true;
    this.sendState(this.last, state, details);
  }

  private sendState(
    progress: DownloadProgress,
    state: DownloadReport['state'],
    details: { commit?: string; message?: string } = {},
  ): void {
    this.lastSentAt = this.now();
    const report: DownloadReport = { source: this.source, revision: this.revision, ...progress, state };
    if (details.commit !== undefined) report.commit = details.commit;
    if (details.message !== undefined) report.message = details.message;
    this.send(report);
  }
}
