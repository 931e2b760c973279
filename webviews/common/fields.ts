/** Field schemas more than one panel's messages use, typed by the kernel protocol where it defines the shape. */
import type { SamplingSettings } from '../../kernel/protocol';
import { num, object, optional, str, type Schema } from './schema';

/** Free text: prompts, completions, inputs. */
export const TEXT = str({ maxLength: 100_000 });
/** Labels, file names and error messages. */
export const SHORT = str({ maxLength: 2000 });
export const INDEX = num({ integer: true, min: 0 });
/** The notebook global holding a model, e.g. `model`. */
export const MODEL_NAME = str({ nonEmpty: true, maxLength: 256 });

export const samplingSchema: Schema<SamplingSettings> = object({
  maxNewTokens: num({ integer: true, min: 1, max: 2048 }),
  temperature: num({ min: 0, max: 10 }),
  topK: optional(num({ integer: true, min: 1 })),
  topP: optional(num({ min: 0, max: 1 })),
  seed: optional(num({ integer: true })),
});
