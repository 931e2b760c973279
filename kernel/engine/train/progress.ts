/**
 * Live training progress in one notebook output: a progress bar with step/epoch/loss/lr/speed/ETA
 * and loss + metric curves, drawn as inline SVG and redrawn in place through the kernel bridge's
 * display handle. Redraws are throttled (default ≤ 4 per second); `finish()` always draws the final
 * state. Outside a kernel the display is a no-op, so training loops can use it unconditionally.
 */
import { display as kernelDisplay, type DisplayHandle } from '../runtime/kernelBridge';

export interface ProgressPoint {
  /** Optimizer steps completed (1 after the first update). */
  step: number;
  loss?: number;
  learningRate?: number;
  epoch?: number;
}

export interface CurvePoint {
  step: number;
  value: number;
}

export type ProgressStatus = 'running' | 'done' | 'interrupted' | 'failed';

export interface ProgressSnapshot {
  title: string;
  totalSteps: number;
  step: number;
  epoch?: number;
  learningRate?: number;
  status: ProgressStatus;
  elapsedMs: number;
  /** Training loss per logged step. */
  loss: CurvePoint[];
  /** Eval metrics by name (eval loss included), one point per evaluation. */
  metrics: Record<string, CurvePoint[]>;
}

export interface ProgressOptions {
  totalSteps: number;
  title?: string;
  /** Minimum milliseconds between redraws; default 250 (at most 4 per second). */
  minIntervalMs?: number;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
  /** Creates the output; default: the kernel's `display.html` (no-op outside a kernel). */
  show?: (html: string) => DisplayHandle<string>;
  /** SVG size in pixels. */
  width?: number;
  height?: number;
}

export class TrainingProgress {
  private readonly options: Required<Pick<ProgressOptions, 'minIntervalMs' | 'now' | 'show' | 'width' | 'height'>>;
  private readonly snapshotState: ProgressSnapshot;
  private readonly startedAt: number;
  private handle?: DisplayHandle<string>;
  private lastDrawAt = -Infinity;
  private draws = 0;

  constructor(options: ProgressOptions) {
    if (!Number.isSafeInteger(options.totalSteps) || options.totalSteps < 1) {
      throw new RangeError(`totalSteps must be an integer >= 1, got ${options.totalSteps}`);
    }
    this.options = {
      minIntervalMs: options.minIntervalMs ?? 250,
      now: options.now ?? (() => performance.now()),
      show: options.show ?? ((html) => kernelDisplay().html(html)),
      width: options.width ?? 720,
      height: options.height ?? 280,
    };
    this.startedAt = this.options.now();
    this.snapshotState = {
      title: options.title ?? 'Training',
      totalSteps: options.totalSteps,
      step: 0,
      status: 'running',
      elapsedMs: 0,
      loss: [],
      metrics: {},
    };
  }

  /** Records a training step; redraws if the last redraw is old enough. Returns whether it redrew. */
  update(point: ProgressPoint): boolean {
    if (this.snapshotState.status !== 'running') return false;
    const state = this.snapshotState;
    state.step = point.step;
    if (point.epoch !== undefined) state.epoch = point.epoch;
    if (point.learningRate !== undefined) state.learningRate = point.learningRate;
    if (point.loss !== undefined) state.loss.push({ step: point.step, value: point.loss });
    return this.maybeDraw();
  }

  /** Records evaluation results (e.g. { eval_loss: 0.4, accuracy: 0.91 }) at `step`. */
  logEval(step: number, metrics: Record<string, number>): boolean {
    if (this.snapshotState.status !== 'running') return false;
    for (const [name, value] of Object.entries(metrics)) {
      (this.snapshotState.metrics[name] ??= []).push({ step, value });
    }
    return this.maybeDraw();
  }

  /** Final redraw, regardless of the throttle; later updates are ignored. */
  finish(status: Exclude<ProgressStatus, 'running'> = 'done'): void {
    if (this.snapshotState.status !== 'running') return;
    this.snapshotState.status = status;
    this.draw();
  }

  get drawCount(): number {
    return this.draws;
  }

  snapshot(): ProgressSnapshot {
    return { ...this.snapshotState, elapsedMs: this.options.now() - this.startedAt };
  }

  private maybeDraw(): boolean {
    if (this.options.now() - this.lastDrawAt < this.options.minIntervalMs) return false;
    this.draw();
    return true;
  }

  private draw(): void {
    this.lastDrawAt = this.options.now();
    const html = renderProgressSvg(this.snapshot(), { width: this.options.width, height: this.options.height });
    if (this.handle) this.handle.update(html);
    else this.handle = this.options.show(html);
    this.draws++;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

export interface ChartBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Domain {
  min: number;
  max: number;
}

const COLORS = ['#3b82f6', '#f97316', '#10b981', '#a855f7', '#ef4444', '#eab308', '#14b8a6'];
const MAX_CURVE_POINTS = 400;

export function renderProgressSvg(state: ProgressSnapshot, size: { width?: number; height?: number } = {}): string {
  const width = size.width ?? 720;
  const height = size.height ?? 280;
  const fraction = Math.min(1, Math.max(0, state.step / state.totalSteps));
  const barWidth = width - 24;
  const charts = chartLayout(state, width, height);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<text x="12" y="18" font-weight="bold" fill="currentColor">${escapeXml(state.title)} — ${escapeXml(statusLabel(state.status))}</text>`,
    `<text x="12" y="36" fill="currentColor">${escapeXml(summaryLine(state))}</text>`,
    `<rect x="12" y="44" width="${barWidth}" height="10" rx="3" fill="#8884"/>`,
    `<rect class="progress" x="12" y="44" width="${fmt(barWidth * fraction)}" height="10" rx="3" fill="${state.status === 'failed' ? '#ef4444' : '#3b82f6'}"/>`,
  ];
  for (const chart of charts) parts.push(renderChart(chart.title, chart.series, chart.box, state.totalSteps));
  parts.push('</svg>');
  return parts.join('');
}

interface Series {
  name: string;
  points: CurvePoint[];
}

function chartLayout(
  state: ProgressSnapshot,
  width: number,
  height: number,
): { title: string; series: Series[]; box: ChartBox }[] {
  const lossSeries: Series[] = [{ name: 'train loss', points: state.loss }];
  const otherSeries: Series[] = [];
  for (const [name, points] of Object.entries(state.metrics)) {
    (/loss/i.test(name) ? lossSeries : otherSeries).push({ name, points });
  }
  const top = 72;
  const chartHeight = height - top - 28;
  if (otherSeries.length === 0)
    return [{ title: 'loss', series: lossSeries, box: { left: 56, top, width: width - 56 - 16, height: chartHeight } }];
  const half = (width - 16) / 2;
  return [
    { title: 'loss', series: lossSeries, box: { left: 56, top, width: half - 56 - 8, height: chartHeight } },
    { title: 'metrics', series: otherSeries, box: { left: half + 56, top, width: half - 56 - 8, height: chartHeight } },
  ];
}

function renderChart(title: string, series: Series[], box: ChartBox, totalSteps: number): string {
  const finite = series.map((s) => ({
    ...s,
    points: downsample(
      s.points.filter((p) => Number.isFinite(p.value)),
      MAX_CURVE_POINTS,
    ),
  }));
  const values = finite.flatMap((s) => s.points.map((p) => p.value));
  const lastStep = finite.reduce((max, s) => Math.max(max, ...s.points.map((p) => p.step)), 0);
  const xDomain: Domain = { min: 0, max: Math.max(totalSteps, lastStep, 1) };
  const yDomain = valueDomain(values);
  const parts = [
    `<g class="chart" data-title="${escapeXml(title)}">`,
    `<rect x="${fmt(box.left)}" y="${fmt(box.top)}" width="${fmt(box.width)}" height="${fmt(box.height)}" fill="none" stroke="#8886"/>`,
    `<text x="${fmt(box.left)}" y="${fmt(box.top - 4)}" fill="currentColor">${escapeXml(title)}</text>`,
    `<text x="${fmt(box.left - 4)}" y="${fmt(box.top + 10)}" text-anchor="end" fill="currentColor">${escapeXml(formatNumber(yDomain.max))}</text>`,
    `<text x="${fmt(box.left - 4)}" y="${fmt(box.top + box.height)}" text-anchor="end" fill="currentColor">${escapeXml(formatNumber(yDomain.min))}</text>`,
    `<text x="${fmt(box.left + box.width)}" y="${fmt(box.top + box.height + 14)}" text-anchor="end" fill="currentColor">step ${xDomain.max}</text>`,
  ];
  finite.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const coords = s.points.map((p) => `${fmt(scaleX(p.step, xDomain, box))},${fmt(scaleY(p.value, yDomain, box))}`);
    if (coords.length === 1) {
      const [cx, cy] = coords[0].split(',');
      parts.push(
        `<circle class="series" data-name="${escapeXml(s.name)}" cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`,
      );
    } else if (coords.length > 1) {
      parts.push(
        `<polyline class="series" data-name="${escapeXml(s.name)}" fill="none" stroke="${color}" stroke-width="1.5" points="${coords.join(' ')}"/>`,
      );
    }
    const last = s.points.at(-1);
    const label = last ? `${s.name} ${formatNumber(last.value)}` : s.name;
    parts.push(
      `<text x="${fmt(box.left + 6)}" y="${fmt(box.top + 14 + 14 * i)}" fill="${color}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</g>');
  return parts.join('');
}

export function scaleX(step: number, domain: Domain, box: ChartBox): number {
  return box.left + ((step - domain.min) / (domain.max - domain.min)) * box.width;
}

export function scaleY(value: number, domain: Domain, box: ChartBox): number {
  return box.top + (1 - (value - domain.min) / (domain.max - domain.min)) * box.height;
}

/** Min..max of the values with 5% headroom; a flat or empty series gets a non-empty range. */
export function valueDomain(values: readonly number[]): Domain {
  if (values.length === 0) return { min: 0, max: 1 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return { min: min - pad, max: max + pad };
  }
  const pad = (max - min) * 0.05;
  return { min: min - pad, max: max + pad };
}

/** At most `maxPoints` points: consecutive buckets averaged (step and value), last point kept exact. */
export function downsample(points: readonly CurvePoint[], maxPoints: number): CurvePoint[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = maxPoints - 1;
  const body = points.length - 1;
  const out: CurvePoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * body) / buckets);
    const to = Math.floor(((b + 1) * body) / buckets);
    let step = 0;
    let value = 0;
    for (let i = from; i < to; i++) {
      step += points[i].step;
      value += points[i].value;
    }
    out.push({ step: step / (to - from), value: value / (to - from) });
  }
  out.push(points[points.length - 1]);
  return out;
}

function summaryLine(state: ProgressSnapshot): string {
  const percent = Math.floor((100 * Math.min(state.step, state.totalSteps)) / state.totalSteps);
  const parts = [`step ${state.step}/${state.totalSteps} (${percent}%)`];
  if (state.epoch !== undefined) parts.push(`epoch ${state.epoch.toFixed(2)}`);
  const lastLoss = state.loss.at(-1);
  if (lastLoss) parts.push(`loss ${formatNumber(lastLoss.value)}`);
  if (state.learningRate !== undefined) parts.push(`lr ${state.learningRate.toExponential(2)}`);
  if (state.step > 0 && state.elapsedMs > 0) {
    const perSecond = (state.step * 1000) / state.elapsedMs;
    parts.push(perSecond >= 1 ? `${perSecond.toFixed(2)} it/s` : `${(1 / perSecond).toFixed(2)} s/it`);
    if (state.status === 'running' && state.step < state.totalSteps)
      parts.push(`ETA ${formatDuration((state.totalSteps - state.step) / perSecond)}`);
    else parts.push(`took ${formatDuration(state.elapsedMs / 1000)}`);
  }
  return parts.join(' · ');
}

function statusLabel(status: ProgressStatus): string {
  return { running: 'running', done: 'done', interrupted: 'interrupted', failed: 'failed' }[status];
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Escapes markup characters and drops characters XML 1.0 does not allow (controls, lone surrogates). */
export function escapeXml(text: string): string {
  const allowed = text.replace(
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '',
  );
  return allowed.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}
