/** How the headless runner prints an output in a terminal: the most readable item, rich media named briefly. */
import { MIME, type ErrorPayload, type OutputItem } from '../../protocol';

const PREFERENCE: string[] = [MIME.error, MIME.text, MIME.markdown, MIME.json, MIME.stdout, MIME.stderr];

export function outputText(items: readonly OutputItem[]): string {
  for (const mime of PREFERENCE) {
    const item = items.find((i) => i.mime === mime);
    if (item) return mime === MIME.error ? errorText(item.data) : item.data;
  }
  const item = items[0];
  if (!item) return '';
  if (item.mime === MIME.html) return `[HTML output, ${item.data.length} characters]`;
  const size = item.encoding === 'base64' ? Math.floor((item.data.length * 3) / 4) : item.data.length;
  return `[${item.mime} output, ${formatBytes(size)}]`;
}

export function errorText(json: string): string {
  try {
    const error = JSON.parse(json) as ErrorPayload;
    return error.stack && error.stack.includes(error.message)
      ? error.stack
      : `${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}`;
  } catch {
    return json;
  }
}

function formatBytes(n: number): string {
  return n < 1024
    ? `${n} bytes`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
