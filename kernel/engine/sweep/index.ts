// Public freeze-sweep API (re-exported from kernel/engine/index.ts).
export { sweepFreeze } from './freezeSweep';
export type { SweepFreezeOptions, SweepData, SweepRow, SweepResult, SweepLabel } from './freezeSweep';
export { sweepChartSvg } from './sweepChart';
export type { ChartRow } from './sweepChart';
