/**
 * Messages between the extension and its webview panels: ONE typed union per panel and direction,
 * each with a runtime schema, so both sides reject what they do not understand instead of guessing.
 * Free of DOM and `vscode`; the extension, the webviews and the unit tests import it.
 *
 * Panels: freeze map (this section). Other panels append their own section below, following the same
 * pattern: `<Panel>ToWebview` / `<Panel>FromWebview` unions, each a `messageUnion({...})` schema.
 */
import { arrayOf, bool, lazy, literal, messageUnion, num, object, optional, str, type Infer, type Schema } from './common/schema';

/** Messages larger than this (UTF-16 code units of their JSON) are dropped unread. */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

export type ParsedMessage<T> = { ok: true; message: T } | { ok: false; error: string };

/** Checks a received message: size first (cheap), then shape. Never throws. */
export function parseMessage<T>(schema: Schema<T>, raw: unknown, maxChars = MAX_MESSAGE_CHARS): ParsedMessage<T> {
  let size: number;
  try {
    size = typeof raw === 'string' ? raw.length : JSON.stringify(raw ?? null)?.length ?? 0;
  } catch (error) {
    return { ok: false, error: `message is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (size > maxChars) return { ok: false, error: `message of ${size} characters is over the ${maxChars}-character limit` };
  const value: unknown = typeof raw === 'string' ? safeJson(raw) : raw;
  const problems = schema.check(value, 'message');
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    return { ok: false, error: problems.length > 5 ? `${shown}; and ${problems.length - 5} more` : shown };
  }
  return { ok: true, message: value as T };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ------------------------------------------------------------------------------- freeze map

const PATH = str({ maxLength: 512 });
const COUNT = num({ integer: true, min: 0 });

/** A model held by the kernel (a notebook global that is an engine Model). */
export const modelSummarySchema = object({
  /** The global's name in the notebook, e.g. `model`. */
  name: str({ nonEmpty: true, maxLength: 256 }),
  modelType: str({ maxLength: 64 }),
  architecture: str({ maxLength: 128 }),
  params: COUNT,
  trainableParams: COUNT,
});
export type ModelSummary = Infer<typeof modelSummarySchema>;

/** `LayerInfo` of kernel/engine/models/model.ts, as sent over the wire. */
export interface LayerNode {
  path: string;
  kind: string;
  params: number;
  trainableParams: number;
  trainable: boolean;
  children?: LayerNode[];
  /** The subtree's statistics from the model's last `train()` run (kernel/protocol.ts LayerTrainingStats). */
  trainingStats?: LayerTrainingStats;
}
export const layerTrainingStatsSchema = object({
  gradNorm: num({ min: 0 }),
  weightChange: num({ min: 0 }),
});
export type LayerTrainingStats = Infer<typeof layerTrainingStatsSchema>;
export const layerNodeSchema: Schema<LayerNode> = object({
  path: PATH,
  kind: str({ maxLength: 128 }),
  params: COUNT,
  trainableParams: COUNT,
  trainable: bool(),
  children: optional(arrayOf(lazy(() => layerNodeSchema), { maxItems: 10_000 })),
  trainingStats: optional(layerTrainingStatsSchema),
});

export const FreezeMapToWebview = messageUnion({
  /** The model to draw, with its current layers. Sent on open, after every change and after cells change it. */
  'freezeMap/show': object({
    type: literal('freezeMap/show'),
    model: modelSummarySchema,
    layers: arrayOf(layerNodeSchema, { maxItems: 10_000 }),
  }),
  /** The model is gone (kernel restarted, global reassigned to something else). */
  'freezeMap/unavailable': object({ type: literal('freezeMap/unavailable'), message: str({ maxLength: 2000 }) }),
  /** A request failed; the map stays as it was. */
  'freezeMap/error': object({ type: literal('freezeMap/error'), message: str({ maxLength: 2000 }) }),
  /** A change is being applied (true) or done (false): the view disables its controls meanwhile. */
  'freezeMap/busy': object({ type: literal('freezeMap/busy'), busy: bool() }),
});
export type FreezeMapToWebview = Infer<typeof FreezeMapToWebview>;

export const FreezeMapFromWebview = messageUnion({
  /** The view has loaded and wants the current state. */
  'freezeMap/ready': object({ type: literal('freezeMap/ready') }),
  /** Freeze (trainable false) or unfreeze the modules at these paths. */
  'freezeMap/setTrainable': object({
    type: literal('freezeMap/setTrainable'),
    paths: arrayOf(PATH, { maxItems: 10_000 }),
    trainable: bool(),
  }),
  /** Presets of the toolbar. */
  'freezeMap/preset': object({ type: literal('freezeMap/preset'), preset: literal('freezeAllButHead', 'unfreezeAll') }),
  /** Add a code cell after the current one with the freeze/unfreeze calls that reproduce the map. */
  'freezeMap/insertCode': object({ type: literal('freezeMap/insertCode') }),
});
export type FreezeMapFromWebview = Infer<typeof FreezeMapFromWebview>;

// ------------------------------------------------------------------ RLHF ranking (side panel)
// webview-panels helper. The view shows one queue item at a time; the extension owns the queue and
// the preference store, the view owns the ranks being assigned (and their undo history).

const TEXT = str({ maxLength: 100_000 });
const SHORT = str({ maxLength: 2000 });
const INDEX = num({ integer: true, min: 0 });
const MODEL_NAME = str({ nonEmpty: true, maxLength: 256 });
/** Candidates a ranking shows: 2 to 9, so the number keys 1-9 can rank them all. */
export const MAX_RANK_CANDIDATES = 9;
/** The ranking panel's RLHF jobs: a reward model, or DPO on a policy. */
const RLHF_JOB = literal('rewardModel', 'policy');

export const samplingSchema = object({
  maxNewTokens: num({ integer: true, min: 1, max: 2048 }),
  temperature: num({ min: 0, max: 10 }),
  topK: optional(num({ integer: true, min: 1 })),
  topP: optional(num({ min: 0, max: 1 })),
  seed: optional(num({ integer: true })),
});
export type Sampling = Infer<typeof samplingSchema>;

export const rankingItemSchema = object({
  prompt: TEXT,
  candidates: arrayOf(TEXT, { maxItems: MAX_RANK_CANDIDATES }),
  /** Where it came from, for the header (e.g. `queue.jsonl:3` or `model (T=0.9)`). */
  origin: SHORT,
});
export type RankingItem = Infer<typeof rankingItemSchema>;

export const rankingProgressSchema = object({
  /** Position of the shown item in the queue (0-based). */
  index: INDEX,
  total: INDEX,
  ranked: INDEX,
  skipped: INDEX,
});
export type RankingProgress = Infer<typeof rankingProgressSchema>;

export const RankingToWebview = messageUnion({
  /** An item to rank. */
  'ranking/show': object({ type: literal('ranking/show'), item: rankingItemSchema, progress: rankingProgressSchema, annotator: SHORT }),
  /** Nothing to rank: no queue yet, or the queue is finished (`progress` then says how it went). */
  'ranking/idle': object({ type: literal('ranking/idle'), message: SHORT, progress: optional(rankingProgressSchema), file: optional(SHORT) }),
  /** Models the active notebook's kernel holds (for "Generate from model"). */
  'ranking/models': object({ type: literal('ranking/models'), models: arrayOf(MODEL_NAME, { maxItems: 1000 }) }),
  'ranking/busy': object({ type: literal('ranking/busy'), busy: bool(), message: optional(SHORT) }),
  /** A ranking was stored (the line is on disk). */
  'ranking/saved': object({ type: literal('ranking/saved'), file: SHORT, pairs: INDEX }),
  'ranking/error': object({ type: literal('ranking/error'), message: SHORT }),
  // RLHF jobs (rlhf-buttons helper): "Train reward model" / "Optimise policy" run in the kernel.
  /** A job started; the view disables both job buttons and shows a Cancel button until `ranking/jobEnded`. */
  'ranking/jobStarted': object({ type: literal('ranking/jobStarted'), job: RLHF_JOB, label: SHORT }),
  /** One optimiser step of the running job done. */
  'ranking/jobProgress': object({
    type: literal('ranking/jobProgress'),
    job: RLHF_JOB,
    step: num({ integer: true, min: 1 }),
    totalSteps: num({ integer: true, min: 1 }),
    loss: num(),
  }),
  /** The job finished (`message` is the result summary), failed (the reason) or was cancelled. */
  'ranking/jobEnded': object({ type: literal('ranking/jobEnded'), job: RLHF_JOB, outcome: literal('done', 'failed', 'cancelled'), message: SHORT }),
});
export type RankingToWebview = Infer<typeof RankingToWebview>;

export const RankingFromWebview = messageUnion({
  'ranking/ready': object({ type: literal('ranking/ready') }),
  /** `ranks[i]` is candidate i's place, 1 = best; equal places are ties. `index` is the item's queue position. */
  'ranking/submit': object({
    type: literal('ranking/submit'),
    index: INDEX,
    ranks: arrayOf(num({ integer: true, min: 1, max: MAX_RANK_CANDIDATES }), { maxItems: MAX_RANK_CANDIDATES }),
  }),
  'ranking/skip': object({ type: literal('ranking/skip'), index: INDEX }),
  /** Ask for a JSONL queue file (the extension opens a file picker). */
  'ranking/loadQueue': object({ type: literal('ranking/loadQueue') }),
  /** Sample `count` candidates for `prompt` from a notebook model and rank them next. */
  'ranking/generate': object({
    type: literal('ranking/generate'),
    model: MODEL_NAME,
    prompt: TEXT,
    count: num({ integer: true, min: 2, max: MAX_RANK_CANDIDATES }),
    sampling: samplingSchema,
  }),
  'ranking/export': object({ type: literal('ranking/export'), format: literal('trl', 'openai'), merge: literal('none', 'majority', 'borda') }),
  // RLHF jobs (rlhf-buttons helper). The extension asks for the backbone / policy with a quick pick.
  /** Train a reward model on the workspace's rankings. */
  'ranking/trainRewardModel': object({ type: literal('ranking/trainRewardModel') }),
  /** DPO on the rankings for a held model; `lora` adds LoRA adapters first. */
  'ranking/optimisePolicy': object({ type: literal('ranking/optimisePolicy'), lora: bool() }),
  /** Stop the running job (the kernel's interrupt). */
  'ranking/cancelJob': object({ type: literal('ranking/cancelJob') }),
});
export type RankingFromWebview = Infer<typeof RankingFromWebview>;

// ------------------------------------------------------------- prompt comparison (editor panel)
// webview-panels helper. Columns are variants (template x model x decoding settings), rows are inputs.
// The view owns the grid and its scores; the extension runs the kernel and writes files.

export const MAX_COMPARE_VARIANTS = 12;
export const MAX_COMPARE_ROWS = 1000;

export const compareVariantSchema = object({
  id: str({ nonEmpty: true, maxLength: 64 }),
  /** Prompt template; `{{input}}` is replaced by the row's input. */
  template: str({ maxLength: 20_000 }),
  model: MODEL_NAME,
  sampling: samplingSchema,
});
export type CompareVariant = Infer<typeof compareVariantSchema>;

export const compareRowSchema = object({ input: TEXT, expected: optional(TEXT) });
export type CompareRow = Infer<typeof compareRowSchema>;

export const compareCellSchema = object({
  row: INDEX,
  column: INDEX,
  text: TEXT,
  done: bool(),
  latencyMs: optional(num({ min: 0 })),
  tokens: optional(INDEX),
  error: optional(SHORT),
});
export type CompareCell = Infer<typeof compareCellSchema>;

export const PromptCompareToWebview = messageUnion({
  'compare/models': object({ type: literal('compare/models'), models: arrayOf(MODEL_NAME, { maxItems: 1000 }), notebook: optional(SHORT) }),
  /** Rows loaded from a JSONL file or a notebook variable (they replace the grid's rows). */
  'compare/rows': object({ type: literal('compare/rows'), rows: arrayOf(compareRowSchema, { maxItems: MAX_COMPARE_ROWS }), origin: SHORT }),
  /** A cell's output, streaming (`done` false) or final. */
  'compare/cell': object({ type: literal('compare/cell'), runId: SHORT, cell: compareCellSchema }),
  'compare/runState': object({ type: literal('compare/runState'), runId: SHORT, running: bool() }),
  /** A 👍/👎 was stored. */
  'compare/rated': object({ type: literal('compare/rated'), row: INDEX, column: INDEX, rating: literal(1, -1) }),
  'compare/error': object({ type: literal('compare/error'), message: SHORT }),
});
export type PromptCompareToWebview = Infer<typeof PromptCompareToWebview>;

export const compareExportRowSchema = object({
  variant: str({ maxLength: 64 }),
  template: str({ maxLength: 20_000 }),
  model: MODEL_NAME,
  input: TEXT,
  expected: optional(TEXT),
  output: TEXT,
  score: optional(num({ min: 0, max: 1 })),
  latencyMs: optional(num({ min: 0 })),
  tokens: optional(INDEX),
  error: optional(SHORT),
});
export type CompareExportRow = Infer<typeof compareExportRowSchema>;

export const PromptCompareFromWebview = messageUnion({
  'compare/ready': object({ type: literal('compare/ready') }),
  'compare/run': object({
    type: literal('compare/run'),
    runId: SHORT,
    variants: arrayOf(compareVariantSchema, { maxItems: MAX_COMPARE_VARIANTS }),
    rows: arrayOf(compareRowSchema, { maxItems: MAX_COMPARE_ROWS }),
  }),
  'compare/cancel': object({ type: literal('compare/cancel'), runId: SHORT }),
  /** Load rows from a JSONL file (picker) or from a notebook variable. */
  'compare/loadRows': object({ type: literal('compare/loadRows'), source: literal('jsonl', 'variable'), variable: optional(str({ maxLength: 256 })) }),
  'compare/rate': object({
    type: literal('compare/rate'),
    row: INDEX,
    column: INDEX,
    rating: literal(1, -1),
    prompt: TEXT,
    completion: TEXT,
    variant: str({ maxLength: 64 }),
    input: TEXT,
  }),
  'compare/export': object({ type: literal('compare/export'), format: literal('csv', 'jsonl'), rows: arrayOf(compareExportRowSchema, { maxItems: MAX_COMPARE_ROWS * MAX_COMPARE_VARIANTS }) }),
});
export type PromptCompareFromWebview = Infer<typeof PromptCompareFromWebview>;
