/** `display.table(rows)`: an HTML table plus an aligned plain-text fallback. */
import { inspect } from 'node:util';

const MAX_ROWS = 1000;

export interface RenderedTable {
  html: string;
  text: string;
}

export function renderTable(rows: readonly unknown[]): RenderedTable {
  if (!Array.isArray(rows)) throw new TypeError(`display.table expects an array of rows, got ${describe(rows)}.`);
  const shown = rows.slice(0, MAX_ROWS);
  const objectRows = shown.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row));
  const columns = objectRows ? columnsOf(shown as Record<string, unknown>[]) : undefined;
  const width = columns ? columns.length : Math.max(0, ...shown.map((row) => (Array.isArray(row) ? row.length : 1)));
  const body = shown.map((row) => {
    if (columns) return columns.map((c) => cellText((row as Record<string, unknown>)[c]));
    const values = Array.isArray(row) ? row : [row];
    return Array.from({ length: width }, (_, i) => (i < values.length ? cellText(values[i]) : ''));
  });
  const more = rows.length > shown.length ? `… ${rows.length - shown.length} more rows` : undefined;
  return { html: toHtml(columns, body, more), text: toText(columns, body, more) };
}

function columnsOf(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function cellText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return inspect(value, { depth: 1, breakLength: Infinity, colors: false });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function toHtml(columns: string[] | undefined, body: string[][], more: string | undefined): string {
  const head = columns ? `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>` : '';
  const rows = body.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('');
  const note = more ? `<p>${escapeHtml(more)}</p>` : '';
  return `<table>${head}<tbody>${rows}</tbody></table>${note}`;
}

function toText(columns: string[] | undefined, body: string[][], more: string | undefined): string {
  const all = columns ? [columns, ...body] : body;
  const single = all.map((row) => row.map((v) => v.replace(/\s*\n\s*/g, ' ')));
  const widths = single.reduce<number[]>((w, row) => row.map((v, i) => Math.max(w[i] ?? 0, v.length)), []);
  const line = (row: string[]) =>
    row
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const lines = single.map(line);
  if (columns) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (more) lines.push(more);
  return lines.join('\n');
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
