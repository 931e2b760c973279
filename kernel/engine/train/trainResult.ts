/** What `train()` returns, and how a cell shows it. */
import type { OutputItem } from '../../protocol';
import { DISPLAY_SYMBOL } from '../runtime/kernelBridge';
import type { BestMetric } from './checkpoint';
import type { TrainTask } from './trainOptions';

export interface TrainLogEntry {
  /** Optimizer steps completed. */
  step: number;
  epoch: number;
  /** Mean loss of the step's examples (classification) or predicted tokens (causal LM). */
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export interface EvalLogEntry {
  step: number;
  epoch: number;
  /** eval_loss, eval_accuracy, eval_f1, eval_perplexity, ... */
  [metric: string]: number;
}

export type TrainStatus = 'completed' | 'interrupted' | 'early-stopped';

export interface TrainResult {
  task: TrainTask;
  status: TrainStatus;
  /** True when the kernel interrupt (or options.signal) stopped the run; the model keeps its weights so far. */
  interrupted: boolean;
  /** Optimizer steps completed (including those of a resumed checkpoint). */
  steps: number;
  totalSteps: number;
  epochs: number;
  history: TrainLogEntry[];
  evalHistory: EvalLogEntry[];
  /** Metrics of the last evaluation. */
  finalEval?: EvalLogEntry;
  bestMetric: BestMetric | null;
  /** Checkpoint folders written by this run. */
  checkpoints: string[];
  resumedFrom?: string;
  wallTimeMs: number;
  /** Time inside training steps (no evaluation or saving). */
  trainTimeMs: number;
  examplesPerSecond: number;
  tokensPerSecond: number;
  trainableParams: number;
  totalParams: number;
  /** Class names of the label ids, when the trainer built them from string labels. */
  labelNames?: string[];
}

/** Attaches the cell rendering (a short markdown summary) to a result without making it enumerable. */
export function displayable(result: TrainResult): TrainResult {
  Object.defineProperty(result, DISPLAY_SYMBOL, { value: () => renderTrainResult(result), enumerable: false });
  return result;
}

export function renderTrainResult(r: TrainResult): OutputItem[] {
  const last = r.history.at(-1);
  const lines = [
    `**Training ${r.status}** — ${r.task}, step ${r.steps}/${r.totalSteps}, epoch ${r.epochs.toFixed(2)}, ${(r.wallTimeMs / 1000).toFixed(1)} s`,
    '',
    '| | |',
    '|---|---|',
    `| final train loss | ${last ? fmt(last.loss) : '—'} |`,
    ...Object.entries(r.finalEval ?? {})
      .filter(([k]) => k.startsWith('eval_'))
      .map(([k, v]) => `| ${k} | ${fmt(v)} |`),
    `| best ${r.bestMetric?.name ?? 'metric'} | ${r.bestMetric ? `${fmt(r.bestMetric.value)} (step ${r.bestMetric.step})` : '—'} |`,
    `| throughput | ${fmt(r.examplesPerSecond)} examples/s, ${fmt(r.tokensPerSecond)} tokens/s |`,
    `| trainable params | ${r.trainableParams.toLocaleString('en-US')} of ${r.totalParams.toLocaleString('en-US')} |`,
  ];
  if (r.checkpoints.length > 0) lines.push(`| last checkpoint | \`${r.checkpoints.at(-1)}\` |`);
  return [{ mime: 'text/markdown', data: lines.join('\n') }];
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
