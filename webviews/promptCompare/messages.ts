/**
 * The prompt comparison panel's messages, one union per direction, each with its runtime schema. Columns are
 * variants (template x model x decoding settings), rows are inputs. The view owns the grid and its scores;
 * the extension runs the kernel and writes files.
 */
import { INDEX, MODEL_NAME, samplingSchema, SHORT, TEXT } from '../common/fields';
import { arrayOf, bool, literal, messageUnion, num, object, optional, str, type Infer } from '../common/schema';

export const MAX_COMPARE_VARIANTS = 12;
export const MAX_COMPARE_ROWS = 1000;
const VARIANT_ID = str({ maxLength: 64 });
const TEMPLATE = str({ maxLength: 20_000 });

export const compareVariantSchema = object({
  id: str({ nonEmpty: true, maxLength: 64 }),
  /** Prompt template; `{{input}}` is replaced by the row's input. */
  template: TEMPLATE,
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
  'promptCompare/models': object({
    type: literal('promptCompare/models'),
    models: arrayOf(MODEL_NAME, { maxItems: 1000 }),
    notebook: optional(SHORT),
  }),
  /** Rows loaded from a JSONL file or a notebook variable (they replace the grid's rows). */
  'promptCompare/rows': object({
    type: literal('promptCompare/rows'),
    rows: arrayOf(compareRowSchema, { maxItems: MAX_COMPARE_ROWS }),
    origin: SHORT,
  }),
  /** A cell's output, streaming (`done` false) or final. */
  'promptCompare/cell': object({ type: literal('promptCompare/cell'), runId: SHORT, cell: compareCellSchema }),
  'promptCompare/runState': object({ type: literal('promptCompare/runState'), runId: SHORT, running: bool() }),
  /** A 👍/👎 was stored. */
  'promptCompare/rated': object({
    type: literal('promptCompare/rated'),
    row: INDEX,
    column: INDEX,
    rating: literal(1, -1),
  }),
  'promptCompare/error': object({ type: literal('promptCompare/error'), message: SHORT }),
});
export type PromptCompareToWebview = Infer<typeof PromptCompareToWebview>;

export const compareExportRowSchema = object({
  variant: VARIANT_ID,
  template: TEMPLATE,
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
  'promptCompare/ready': object({ type: literal('promptCompare/ready') }),
  'promptCompare/run': object({
    type: literal('promptCompare/run'),
    runId: SHORT,
    variants: arrayOf(compareVariantSchema, { maxItems: MAX_COMPARE_VARIANTS }),
    rows: arrayOf(compareRowSchema, { maxItems: MAX_COMPARE_ROWS }),
  }),
  'promptCompare/cancel': object({ type: literal('promptCompare/cancel'), runId: SHORT }),
  /** Load rows from a JSONL file (picker) or from a notebook variable. */
  'promptCompare/loadRows': object({
    type: literal('promptCompare/loadRows'),
    source: literal('jsonl', 'variable'),
    variable: optional(str({ maxLength: 256 })),
  }),
  'promptCompare/rate': object({
    type: literal('promptCompare/rate'),
    row: INDEX,
    column: INDEX,
    rating: literal(1, -1),
    prompt: TEXT,
    completion: TEXT,
    variant: VARIANT_ID,
    input: TEXT,
  }),
  'promptCompare/export': object({
    type: literal('promptCompare/export'),
    format: literal('csv', 'jsonl'),
    rows: arrayOf(compareExportRowSchema, { maxItems: MAX_COMPARE_ROWS * MAX_COMPARE_VARIANTS }),
  }),
});
export type PromptCompareFromWebview = Infer<typeof PromptCompareFromWebview>;
