/**
 * Scores of a grid cell (1 = pass, 0 = fail, undefined = not scored) and per-column aggregates.
 * exact / contains compare against the row's expected text (trimmed); regex tests the output against a pattern.
 */
export type ScorerKind = 'none' | 'exact' | 'contains' | 'regex';

export interface Scorer {
  kind: ScorerKind;
  /** The regular expression for `regex`. */
  pattern?: string;
}

export function scoreOutput(scorer: Scorer, output: string, expected: string | undefined): number | undefined {
  switch (scorer.kind) {
    case 'exact':
      return expected === undefined ? undefined : Number(output.trim() === expected.trim());
    case 'contains':
      return expected === undefined ? undefined : Number(output.includes(expected.trim()));
    case 'regex': {
      const re = compileScorerRegex(scorer.pattern ?? '');
      return typeof re === 'string' ? undefined : Number(re.test(output));
    }
    default:
      return undefined;
  }
}

/** The pattern as a RegExp, or the reason it is not one (shown next to the field). */
export function compileScorerRegex(pattern: string): RegExp | string {
  if (!pattern) return 'Enter a regular expression';
  try {
    return new RegExp(pattern, 'u');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface ColumnStats {
  /** Mean score over scored cells, undefined when none is scored. */
  score?: number;
  meanLatencyMs?: number;
  meanTokens?: number;
  totalTokens: number;
  done: number;
}

export function columnStats(
  cells: ReadonlyArray<{ score?: number; latencyMs?: number; tokens?: number; done: boolean } | undefined>,
): ColumnStats {
  const done = cells.filter((c): c is NonNullable<typeof c> => !!c && c.done);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined);
  const scores = done.map((c) => c.score).filter((s): s is number => s !== undefined);
  const latencies = done.map((c) => c.latencyMs).filter((s): s is number => s !== undefined);
  const tokens = done.map((c) => c.tokens).filter((s): s is number => s !== undefined);
  return {
    score: mean(scores),
    meanLatencyMs: mean(latencies),
    meanTokens: mean(tokens),
    totalTokens: tokens.reduce((a, b) => a + b, 0),
    done: done.length,
  };
}
