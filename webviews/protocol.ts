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
}
export const layerNodeSchema: Schema<LayerNode> = object({
  path: PATH,
  kind: str({ maxLength: 128 }),
  params: COUNT,
  trainableParams: COUNT,
  trainable: bool(),
  children: optional(arrayOf(lazy(() => layerNodeSchema), { maxItems: 10_000 })),
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
