/** One in-extension-host test's outcome, as written to the results file the launcher reads. */
export interface TestResult {
  suite: string;
  name: string;
  status: 'passed' | 'failed';
  durationMs: number;
  error?: string;
}

export interface ResultsFile {
  vscodeVersion: string;
  startedAt: string;
  results: TestResult[];
}
