/**
 * "Show what learned": colours the freeze map's items by a statistic of the model's last training run,
 * each as a share of the largest value among the items. Pure data, like diagram.ts.
 */
import { itemsInOrder, type Diagram, type DiagramItem } from './diagram';

export type HeatMetric = 'weightChange' | 'gradNorm';

export const HEAT_METRICS: ReadonlyArray<{ metric: HeatMetric; label: string }> = [
  { metric: 'weightChange', label: 'Relative weight change' },
  { metric: 'gradNorm', label: 'Gradient norm' },
];

/** True when the kernel sent training statistics for at least one item (the model was trained). */
export function hasTrainingStats(diagram: Diagram): boolean {
  return itemsInOrder(diagram).some((item) => item.trainingStats !== undefined);
}

/** The largest value of `metric` among the items (0 when none has statistics). */
export function heatMax(diagram: Diagram, metric: HeatMetric): number {
  return itemsInOrder(diagram).reduce((max, item) => Math.max(max, item.trainingStats?.[metric] ?? 0), 0);
}

/** The item's value as a share of `max`, in [0, 1]; undefined when it has no statistics. */
export function heatShare(item: DiagramItem, metric: HeatMetric, max: number): number | undefined {
  const value = item.trainingStats?.[metric];
  if (value === undefined) return undefined;
  return max > 0 ? Math.min(1, value / max) : 0;
}

/** A short display of a statistic: a percentage for weight change, 3 significant digits for gradient norms. */
export function formatHeat(value: number, metric: HeatMetric): string {
  if (metric === 'weightChange') return `${(value * 100).toPrecision(3)}%`;
  return value === 0 ? '0' : value.toPrecision(3);
}
