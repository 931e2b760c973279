/** The comparison grid as CSV (RFC 4180 quoting) or JSONL, one row per (input, variant) cell. */
import type { CompareExportRow } from './messages';

export const EXPORT_COLUMNS = [
  'variant',
  'model',
  'template',
  'input',
  'expected',
  'output',
  'score',
  'latencyMs',
  'tokens',
  'error',
] as const;

export function gridToCsv(rows: readonly CompareExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const row of rows) lines.push(EXPORT_COLUMNS.map((key) => csvField(row[key])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function gridToJsonl(rows: readonly CompareExportRow[]): string {
  return rows.map((row) => JSON.stringify(row) + '\n').join('');
}

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : value;
  // A leading = + - @ would be run as a formula by spreadsheets: prefix a quote.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}
