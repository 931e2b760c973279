// Progress of one model download, reported to `load(id, { onProgress })`.

export interface DownloadProgress {
  /** The file being downloaded (the last one once all are done). */
  file: string;
  /** Bytes of `file` on disk so far, resumed bytes included. */
  fileBytes: number;
  fileTotal: number;
  /** Bytes of all files so far (files already in the cache count as done). */
  bytes: number;
  total: number;
  filesDone: number;
  files: number;
}

export type DownloadProgressCallback = (progress: DownloadProgress) => void;

/** Keeps the totals across files and reports each change. */
export class DownloadTally {
  private doneBytes = 0;
  private filesDone = 0;
  private readonly total: number;

  constructor(
    private readonly sizes: ReadonlyMap<string, number>,
    private readonly report: DownloadProgressCallback,
  ) {
    this.total = [...sizes.values()].reduce((a, b) => a + b, 0);
  }

  /** `fileBytes` of `file` are on disk. */
  progress(file: string, fileBytes: number): void {
    const fileTotal = this.sizes.get(file) ?? 0;
    this.report({
      file,
      fileBytes,
      fileTotal,
      bytes: this.doneBytes + Math.min(fileBytes, fileTotal),
      total: this.total,
      filesDone: this.filesDone,
      files: this.sizes.size,
    });
  }

  /** `file` is complete. */
  done(file: string): void {
    const fileTotal = this.sizes.get(file) ?? 0;
    this.doneBytes += fileTotal;
    this.filesDone++;
    this.report({
      file,
      fileBytes: fileTotal,
      fileTotal,
      bytes: this.doneBytes,
      total: this.total,
      filesDone: this.filesDone,
      files: this.sizes.size,
    });
  }
}
