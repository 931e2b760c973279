/**
 * Which output mimes the .ftnb format stores as text (the rest are stored base64).
 */
const TEXT_MIMES = new Set([
  'application/json',
  'application/javascript',
  'application/xml',
  'application/x-ipynb+json',
  'image/svg+xml',
]);

export function isTextMime(mime: string): boolean {
  const base = mime.split(';')[0].trim().toLowerCase();
  return (
    base.startsWith('text/') ||
    base.startsWith('application/vnd.code.notebook.') ||
    base.endsWith('+json') ||
    base.endsWith('+xml') ||
    TEXT_MIMES.has(base)
  );
}
