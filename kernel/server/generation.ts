/**
 * Shared by the generating panels (prompt comparison, ranking): finding the model a panel names, and
 * turning its sampling settings into `model.generate` options, with checks that answer the panel with a
 * specific error.
 */
import { ResponseError } from 'vscode-jsonrpc';
import type { GenerateOptions } from '../engine/generate/types';
import type { Model } from '../engine/models/model';
import { GenerationErrorCode, type SamplingSettings } from '../protocol';
import { heldModels } from './heldModels';

export const MAX_NEW_TOKENS = 2048;

export interface GenerationDeps {
  /** Names the notebook's cells declared so far. */
  globalNames(): readonly string[];
  /** Where the globals live (default globalThis). */
  scope?: object;
}

export function findTextModel(deps: GenerationDeps, name: unknown): Model {
  const held = heldModels(deps.globalNames(), deps.scope ?? globalThis);
  const found = typeof name === 'string' ? held.find((m) => m.name === name) : undefined;
  if (!found) {
    const known = held.length
      ? `the notebook holds: ${held.map((m) => m.name).join(', ')}`
      : 'the notebook holds no model now; run the cell that creates it';
    throw new ResponseError(
      GenerationErrorCode.noSuchModel,
      `No model named ${JSON.stringify(name)} in the kernel (${known}).`,
    );
  }
  if (typeof found.model.generate !== 'function' || !found.model.tokenizer) {
    throw new ResponseError(
      GenerationErrorCode.noSuchModel,
      `The model ${found.name} cannot generate text (it needs a causal LM head and a tokenizer).`,
    );
  }
  return found.model;
}

export function generateOptions(sampling: SamplingSettings, seedOffset: number, signal: AbortSignal): GenerateOptions {
  const bad = (what: string) => new ResponseError(GenerationErrorCode.badParams, `Sampling setting ${what}.`);
  if (!sampling || typeof sampling !== 'object') throw bad('is missing');
  const { maxNewTokens, temperature, topK, topP, seed } = sampling;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > MAX_NEW_TOKENS)
    throw bad(`maxNewTokens must be 1 to ${MAX_NEW_TOKENS}, got ${String(maxNewTokens)}`);
  if (typeof temperature !== 'number' || !(temperature >= 0) || temperature > 10)
    throw bad(`temperature must be 0 to 10, got ${String(temperature)}`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1))
    throw bad(`topK must be a whole number from 1, got ${String(topK)}`);
  if (topP !== undefined && (typeof topP !== 'number' || !(topP > 0) || topP > 1))
    throw bad(`topP must be in (0, 1], got ${String(topP)}`);
  if (seed !== undefined && !Number.isInteger(seed)) throw bad(`seed must be a whole number, got ${String(seed)}`);
  const options: GenerateOptions = { maxNewTokens, temperature, signal };
  if (topK !== undefined) options.topK = topK;
  if (topP !== undefined) options.topP = topP;
  if (seed !== undefined) options.seed = seed + seedOffset;
  return options;
}
