/**
 * The HTML every Tunebook panel loads, free of `vscode` so it is unit-tested: a CSP that allows only the
 * page's own nonce'd script, styles and images from the webview's resource origin, and a `<main>` root.
 */
export interface PanelPageParts {
  title: string;
  /** The panel bundle, already a webview URI (`webview.asWebviewUri(...)`). */
  scriptSrc: string;
  nonce: string;
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function panelPage(cspSource: string, parts: PanelPageParts): string {
  if (!/^[A-Za-z0-9]{16,}$/.test(parts.nonce))
    throw new RangeError('a panel nonce must be at least 16 letters and digits');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(cspSource, parts.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(parts.title)}</title>
</head>
<body>
  <main id="root"></main>
  <script nonce="${parts.nonce}" src="${escapeHtml(parts.scriptSrc)}"></script>
</body>
</html>`;
}

/** 32 random letters and digits. */
export function makeNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
