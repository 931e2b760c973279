/**
 * The accuracy-versus-cost chart of a freeze sweep as a standalone SVG: one bar per configuration for
 * accuracy (left axis, 0–100%) and a line with points for training time (right axis, seconds); under each bar
 * the configuration and its trainable parameters.
 */
export interface ChartRow {
  method: string;
  accuracy: number;
  trainSeconds: number;
  trainableParams: number;
}

const W = 640;
const H = 320;
const M = { top: 28, right: 56, bottom: 72, left: 48 };

export function sweepChartSvg(rows: readonly ChartRow[], title = 'Accuracy vs training cost'): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const slot = plotW / Math.max(rows.length, 1);
  const maxTime = Math.max(...rows.map((r) => r.trainSeconds), 1e-9);
  const yAcc = (a: number) => M.top + plotH * (1 - a);
  const yTime = (t: number) => M.top + plotH * (1 - t / maxTime);
  const xMid = (i: number) => M.left + slot * (i + 0.5);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="currentColor" stroke-opacity="0.5"/>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = yAcc(tick);
    parts.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + plotW}" y2="${y}" stroke="currentColor" stroke-opacity="0.1"/>`,
    );
    parts.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${tick * 100}%</text>`);
    parts.push(`<text x="${M.left + plotW + 6}" y="${y + 4}" fill="#d9822b">${fmtSeconds(tick * maxTime)}</text>`);
  }
  rows.forEach((r, i) => {
    const barW = slot * 0.6;
    const y = yAcc(clamp01(r.accuracy));
    parts.push(
      `<rect class="accuracy" x="${xMid(i) - barW / 2}" y="${y}" width="${barW}" height="${M.top + plotH - y}" fill="#3b82c4"><title>${escape(r.method)}: ${(100 * r.accuracy).toFixed(1)}%</title></rect>`,
      `<text x="${xMid(i)}" y="${y - 4}" text-anchor="middle">${(100 * r.accuracy).toFixed(0)}%</text>`,
      `<text x="${xMid(i)}" y="${M.top + plotH + 16}" text-anchor="middle">${escape(r.method)}</text>`,
      `<text x="${xMid(i)}" y="${M.top + plotH + 30}" text-anchor="middle" fill-opacity="0.7">${compact(r.trainableParams)} params</text>`,
    );
  });
  const points = rows.map((r, i) => `${xMid(i)},${yTime(r.trainSeconds)}`);
  parts.push(`<polyline class="time" points="${points.join(' ')}" fill="none" stroke="#d9822b" stroke-width="2"/>`);
  rows.forEach((r, i) =>
    parts.push(
      `<circle cx="${xMid(i)}" cy="${yTime(r.trainSeconds)}" r="3.5" fill="#d9822b"><title>${fmtSeconds(r.trainSeconds)}</title></circle>`,
    ),
  );
  parts.push(
    `<text x="${M.left}" y="${H - 12}" fill="#3b82c4">■ accuracy</text>`,
    `<text x="${M.left + 90}" y="${H - 12}" fill="#d9822b">● training time (right axis)</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function fmtSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(0)} s`;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
