/**
 * Rows of the comparison grid from JSONL text: each line is a JSON string (the input) or an object with a
 * string `input` (or `prompt`) and optionally a string `expected` (what the scores compare against).
 */
import type { CompareRow } from './messages';

export function parseCompareRows(text: string, fileName = 'the file'): { rows: CompareRow[]; errors: string[] } {
  const rows: CompareRow[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      errors.push(`${fileName} line ${line}: not valid JSON`);
      return;
    }
    if (typeof value === 'string') return void rows.push({ input: value });
    const v = (value ?? {}) as { input?: unknown; prompt?: unknown; expected?: unknown };
    const input = typeof v.input === 'string' ? v.input : typeof v.prompt === 'string' ? v.prompt : undefined;
    if (input === undefined || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${fileName} line ${line}: expected a string or an object with a string "input"`);
      return;
    }
    if (v.expected !== undefined && typeof v.expected !== 'string') {
      errors.push(`${fileName} line ${line}: "expected" must be a string`);
      return;
    }
    rows.push(v.expected === undefined ? { input } : { input, expected: v.expected });
  });
  return { rows, errors };
}
