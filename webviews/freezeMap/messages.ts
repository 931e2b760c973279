/** The freeze map panel's messages, one union per direction, each with its runtime schema. */
import type { LayerTrainingStats, ModelLayer, ModelSummary } from '../../kernel/protocol';
import { MODEL_NAME } from '../common/fields';
import {
  arrayOf,
  bool,
  lazy,
  literal,
  messageUnion,
  num,
  object,
  optional,
  str,
  type Infer,
  type Schema,
} from '../common/schema';

const PATH = str({ maxLength: 512 });
const COUNT = num({ integer: true, min: 0 });
const MESSAGE = str({ maxLength: 2000 });

export const modelSummarySchema: Schema<ModelSummary> = object({
  name: MODEL_NAME,
  modelType: str({ maxLength: 64 }),
  architecture: str({ maxLength: 128 }),
  params: COUNT,
  trainableParams: COUNT,
});

export const layerTrainingStatsSchema: Schema<LayerTrainingStats> = object({
  gradNorm: num({ min: 0 }),
  weightChange: num({ min: 0 }),
});

export const modelLayerSchema: Schema<ModelLayer> = object({
  path: PATH,
  kind: str({ maxLength: 128 }),
  params: COUNT,
  trainableParams: COUNT,
  trainable: bool(),
  children: optional(
    arrayOf(
      lazy(() => modelLayerSchema),
      { maxItems: 10_000 },
    ),
  ),
  trainingStats: optional(layerTrainingStatsSchema),
});

export const FreezeMapToWebview = messageUnion({
  /** The model to draw, with its current layers. Sent on open, after every change and after cells change it. */
  'freezeMap/show': object({
    type: literal('freezeMap/show'),
    model: modelSummarySchema,
    layers: arrayOf(modelLayerSchema, { maxItems: 10_000 }),
  }),
  /** The model is gone (kernel restarted, global reassigned to something else). */
  'freezeMap/unavailable': object({ type: literal('freezeMap/unavailable'), message: MESSAGE }),
  /** A request failed; the map stays as it was. */
  'freezeMap/error': object({ type: literal('freezeMap/error'), message: MESSAGE }),
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
  'freezeMap/preset': object({
    type: literal('freezeMap/preset'),
    preset: literal('freezeAllButHead', 'unfreezeAll'),
  }),
  /** Add a code cell after the current one with the freeze/unfreeze calls that reproduce the map. */
  'freezeMap/insertCode': object({ type: literal('freezeMap/insertCode') }),
});
export type FreezeMapFromWebview = Infer<typeof FreezeMapFromWebview>;
