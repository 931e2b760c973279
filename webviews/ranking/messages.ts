/**
 * The ranking panel's messages, one union per direction, each with its runtime schema. The view shows one
 * queue item at a time; the extension owns the queue and the preference store, the view owns the ranks
 * being assigned (and their undo history).
 */
import { MAX_RANK_CANDIDATES } from '../../kernel/protocol/generation';
import { INDEX, MODEL_NAME, samplingSchema, SHORT, TEXT } from '../common/fields';
import { arrayOf, bool, literal, messageUnion, num, object, optional, type Infer } from '../common/schema';

/** The ranking panel's RLHF jobs: a reward model, or DPO on a policy. */
const RLHF_JOB = literal('rewardModel', 'policy');

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
  'ranking/show': object({
    type: literal('ranking/show'),
    item: rankingItemSchema,
    progress: rankingProgressSchema,
    annotator: SHORT,
  }),
  /** Nothing to rank: no queue yet, or the queue is finished (`progress` then says how it went). */
  'ranking/idle': object({
    type: literal('ranking/idle'),
    message: SHORT,
    progress: optional(rankingProgressSchema),
    file: optional(SHORT),
  }),
  /** Models the active notebook's kernel holds (for "Generate from model"). */
  'ranking/models': object({ type: literal('ranking/models'), models: arrayOf(MODEL_NAME, { maxItems: 1000 }) }),
  'ranking/busy': object({ type: literal('ranking/busy'), busy: bool(), message: optional(SHORT) }),
  /** A ranking was stored (the line is on disk). */
  'ranking/saved': object({ type: literal('ranking/saved'), file: SHORT, pairs: INDEX }),
  'ranking/error': object({ type: literal('ranking/error'), message: SHORT }),
  /** An RLHF job started; the view disables both job buttons and shows a Cancel button until `ranking/jobEnded`. */
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
  'ranking/jobEnded': object({
    type: literal('ranking/jobEnded'),
    job: RLHF_JOB,
    outcome: literal('done', 'failed', 'cancelled'),
    message: SHORT,
  }),
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
  'ranking/export': object({
    type: literal('ranking/export'),
    format: literal('trl', 'openai'),
    merge: literal('none', 'majority', 'borda'),
  }),
  /** Train a reward model on the workspace's rankings (the extension asks for the backbone with a quick pick). */
  'ranking/trainRewardModel': object({ type: literal('ranking/trainRewardModel') }),
  /** DPO on the rankings for a held model (picked by the extension); `lora` adds LoRA adapters first. */
  'ranking/optimisePolicy': object({ type: literal('ranking/optimisePolicy'), lora: bool() }),
  /** Stop the running job (the kernel's interrupt). */
  'ranking/cancelJob': object({ type: literal('ranking/cancelJob') }),
});
export type RankingFromWebview = Infer<typeof RankingFromWebview>;
