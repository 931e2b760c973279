/**
 * The preference store: an append-only JSONL file (`.tunebook/rankings.jsonl` in the workspace) of rankings
 * and ratings. Node-only; used by the extension and by the RLHF engine.
 *
 * Durability: each record is one `write` of one complete line to a file opened with O_APPEND, followed by
 * fsync, so a record is on disk before `append` returns and a crash later loses nothing already stored.
 * Several processes may append at once: O_APPEND places each write at the end atomically on local file
 * systems, so lines never interleave. A writer killed mid-write can leave a torn last line; the next
 * append starts on a fresh line so the torn one is never merged with it, and `read` skips it with a warning.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  PREFERENCE_RECORD_VERSION,
  pairsFromRanks,
  recordProblem,
  type PreferenceRecord,
  type PreferenceSource,
  type RankingRecord,
  type RatingRecord,
} from './preferenceRecord';
import { PreferenceStoreError } from './preferenceStoreError';

export const RANKINGS_FILE = join('.tunebook', 'rankings.jsonl');

export function rankingsPath(workspaceDir: string): string {
  return join(workspaceDir, RANKINGS_FILE);
}

/** The `tunebook.annotator` setting when set, else the OS user name. */
export function defaultAnnotator(setting?: string): string {
  if (setting && setting.trim()) return setting.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export interface NewRanking {
  prompt: string;
  candidates: string[];
  ranks: number[];
  annotator: string;
  source?: PreferenceSource;
  timestamp?: Date;
}

/** A complete ranking record with its derived pairs; throws PreferenceStoreError for an invalid ranking. */
export function makeRankingRecord(input: NewRanking): RankingRecord {
  if (input.candidates.length < 2)
    throw new PreferenceStoreError(`A ranking needs at least 2 candidates, got ${input.candidates.length}.`);
  if (input.ranks.length !== input.candidates.length) {
    throw new PreferenceStoreError(
      `A ranking needs one rank per candidate: ${input.candidates.length} candidates, ${input.ranks.length} ranks.`,
    );
  }
  const bad = input.ranks.findIndex((r) => !Number.isInteger(r) || r < 1 || r > input.candidates.length);
  if (bad >= 0)
    throw new PreferenceStoreError(
      `Candidate ${bad + 1} has rank ${String(input.ranks[bad])}; ranks go from 1 (best) to ${input.candidates.length}.`,
    );
  return {
    v: PREFERENCE_RECORD_VERSION,
    type: 'ranking',
    id: randomUUID(),
    timestamp: (input.timestamp ?? new Date()).toISOString(),
    annotator: input.annotator,
    prompt: input.prompt,
    candidates: [...input.candidates],
    ranks: [...input.ranks],
    pairs: pairsFromRanks(input.ranks),
    ...(input.source ? { source: input.source } : {}),
  };
}

export function makeRatingRecord(input: {
  prompt: string;
  completion: string;
  rating: 1 | -1;
  annotator: string;
  source?: PreferenceSource;
  timestamp?: Date;
}): RatingRecord {
  if (input.rating !== 1 && input.rating !== -1)
    throw new PreferenceStoreError(`A rating is 1 (thumbs up) or -1 (thumbs down), got ${String(input.rating)}.`);
  return {
    v: PREFERENCE_RECORD_VERSION,
    type: 'rating',
    id: randomUUID(),
    timestamp: (input.timestamp ?? new Date()).toISOString(),
    annotator: input.annotator,
    prompt: input.prompt,
    completion: input.completion,
    rating: input.rating,
    ...(input.source ? { source: input.source } : {}),
  };
}

export interface StoreWarning {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface StoreContents {
  records: PreferenceRecord[];
  /** Lines that were skipped (torn last line, invalid JSON, unknown shape), each with why. */
  warnings: StoreWarning[];
}

export class PreferenceStore {
  constructor(readonly file: string) {}

  static forWorkspace(workspaceDir: string): PreferenceStore {
    return new PreferenceStore(rankingsPath(workspaceDir));
  }

  /** Appends one record durably (written and fsynced before this returns). */
  append(record: PreferenceRecord): void {
    const problem = recordProblem(record);
    if (problem) throw new PreferenceStoreError(`Not storing an invalid preference record: ${problem}.`);
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    const created = !existsSync(this.file);
    let fd: number;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      fd = openSync(this.file, 'a+');
    } catch (error) {
      throw new PreferenceStoreError(
        `Could not open ${this.file} to store the ranking: ${(error as Error).message}. Check the folder's permissions.`,
        { cause: error },
      );
    }
    try {
      const data = endsWithNewline(fd) ? line : Buffer.concat([Buffer.from('\n'), line]);
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } catch (error) {
      throw new PreferenceStoreError(
        `Could not write the ranking to ${this.file}: ${(error as Error).message}. Earlier rankings are intact.`,
        { cause: error },
      );
    } finally {
      closeSync(fd);
    }
    if (created) syncDirectory(dirname(this.file));
  }

  /** Every valid record in file order; skipped lines come back as warnings. A missing file is empty. */
  read(): StoreContents {
    if (!existsSync(this.file)) return { records: [], warnings: [] };
    return parsePreferenceLines(readFileSync(this.file, 'utf8'));
  }
}

/** Parses the store's text. A last line without its newline is a write that never finished. */
export function parsePreferenceLines(text: string): StoreContents {
  const records: PreferenceRecord[] = [];
  const warnings: StoreWarning[] = [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text.length === 0;
  lines.forEach((raw, index) => {
    const isLast = index === lines.length - 1;
    if (isLast && raw === '') return;
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      const torn = isLast && !complete;
      warnings.push({
        line: lineNo,
        message: torn
          ? `line ${lineNo} is incomplete (a write was cut off, e.g. the window was killed while saving); it was skipped`
          : `line ${lineNo} is not valid JSON; it was skipped`,
      });
      return;
    }
    const problem = recordProblem(value);
    if (problem)
      warnings.push({
        line: lineNo,
        message: `line ${lineNo} is not a preference record (${problem}); it was skipped`,
      });
    else records.push(value as PreferenceRecord);
  });
  return { records, warnings };
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Makes a newly created file's directory entry durable too. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported on every platform (e.g. Windows); the file's own data is already synced
  }
}
