/**
 * The ranking queue file: JSONL with one `{"prompt": string, "candidates": string[]}` per line.
 * Bad lines are reported with their line number and skipped; good ones are kept.
 */
export interface QueueItem {
  prompt: string;
  candidates: string[];
  /** 1-based line in the file it came from. */
  line: number;
}

export interface ParsedQueue {
  items: QueueItem[];
  errors: string[];
}

export const MAX_QUEUE_CANDIDATES = 9;

export function parseRankingQueue(text: string, fileName = 'the queue file'): ParsedQueue {
  const items: QueueItem[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      errors.push(`${fileName} line ${line}: not valid JSON (${(error as Error).message})`);
      return;
    }
    const v = value as { prompt?: unknown; candidates?: unknown };
    if (!value || typeof value !== 'object' || Array.isArray(value))
      errors.push(`${fileName} line ${line}: expected an object {"prompt": ..., "candidates": [...]}`);
    else if (typeof v.prompt !== 'string') errors.push(`${fileName} line ${line}: "prompt" must be a string`);
    else if (!Array.isArray(v.candidates) || !v.candidates.every((c) => typeof c === 'string'))
      errors.push(`${fileName} line ${line}: "candidates" must be an array of strings`);
    else if (v.candidates.length < 2 || v.candidates.length > MAX_QUEUE_CANDIDATES) {
      errors.push(
        `${fileName} line ${line}: needs 2 to ${MAX_QUEUE_CANDIDATES} candidates, has ${v.candidates.length}`,
      );
    } else items.push({ prompt: v.prompt, candidates: v.candidates as string[], line });
  });
  return { items, errors };
}
