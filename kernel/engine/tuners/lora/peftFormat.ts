/**
 * LoRA adapters in PEFT's folder format:
 *   adapter_config.json        peft_type "LORA", r, lora_alpha, lora_dropout, target_modules, fan_in_fan_out, ...
 *   adapter_model.safetensors  base_model.model.<hf path>.lora_A.weight [r, in], ….lora_B.weight [out, r]
 *                              (these shapes for GPT-2's Conv1D too), and base_model.model.<module>.<param> for
 *                              each modules_to_save parameter (PEFT strips `modules_to_save.default`).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../../io/atomicWrite';
import { parseSafetensors, serializeSafetensors, type TensorEntry } from '../../io/safetensors';
import type { Model } from '../../models/model';
import type { LoraOptions } from './config';
import { lora, loraState, removeLora, requireLora } from './inject';
import { loadPromptTuning, promptTuningState, savePromptTuning } from '../promptTuning';
import { AdapterError } from './loraError';
import { transformerOf } from './modelAccess';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
export const PEFT_PREFIX = 'base_model.model.';

export interface SaveAdapterOptions {
  /** Written as `base_model_name_or_path` (default: the config's `_name_or_path`, else null). */
  baseModelNameOrPath?: string;
}

/** PEFT's task_type for the engine's heads. */
export function peftTaskType(architecture: string): string | null {
  if (architecture.endsWith('LMHeadModel')) return 'CAUSAL_LM';
  if (architecture.endsWith('ForSequenceClassification')) return 'SEQ_CLS';
  if (architecture.endsWith('Model')) return 'FEATURE_EXTRACTION';
  return null;
}

/** Writes the model's adapter (LoRA, or a soft prompt from promptTuning) as a PEFT folder. */
export async function saveAdapter(model: Model, dir: string, options: SaveAdapterOptions = {}): Promise<void> {
  if (!loraState(model) && promptTuningState(model)) return savePromptTuning(model, dir, options);
  const state = requireLora(model, 'saveAdapter');
  const { config } = state;
  const tensors: TensorEntry[] = [];
  for (const layer of state.layers) {
    tensors.push(await entry(`${PEFT_PREFIX}${layer.path}.lora_A.weight`, layer.loraA));
    tensors.push(await entry(`${PEFT_PREFIX}${layer.path}.lora_B.weight`, layer.loraB));
  }
  for (const [name, variable] of model.params) {
    if (state.modulesToSave.some((m) => name.startsWith(`${m}.`)))
      tensors.push(await entry(`${PEFT_PREFIX}${name}`, variable));
  }
  const adapterConfig = {
    peft_type: 'LORA',
    task_type: peftTaskType(model.architecture),
    base_model_name_or_path: options.baseModelNameOrPath ?? model.config._name_or_path ?? null,
    r: config.r,
    lora_alpha: config.alpha,
    lora_dropout: config.dropout,
    target_modules: config.targets,
    layers_to_transform: config.layers ?? null,
    fan_in_fan_out: state.layers.some((l) => l.linear.layout === 'in_out'),
    modules_to_save: config.modulesToSave.length > 0 ? config.modulesToSave : null,
    bias: 'none',
    inference_mode: true,
    init_lora_weights: true,
    use_rslora: false,
    use_dora: false,
    rank_pattern: {},
    alpha_pattern: {},
    revision: null,
  };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, ADAPTER_WEIGHTS_FILE), serializeSafetensors(tensors, { format: 'pt' }));
  await writeFileAtomic(join(dir, ADAPTER_CONFIG_FILE), `${JSON.stringify(adapterConfig, null, 2)}\n`);
}

async function entry(name: string, variable: tf.Variable): Promise<TensorEntry> {
  return { name, dtype: 'F32', shape: variable.shape.slice(), data: (await variable.data()) as Float32Array };
}

/** PEFT adapter_config.json fields → lora() options; rejects what the engine cannot reproduce. */
export function loraOptionsFromPeft(cfg: Record<string, any>, source: string): LoraOptions {
  if (cfg.peft_type !== 'LORA')
    throw new AdapterError(`${source}: peft_type is ${JSON.stringify(cfg.peft_type)}, loadAdapter reads LORA adapters`);
  for (const flag of ['use_dora', 'use_rslora'] as const) {
    if (cfg[flag] === true) throw new AdapterError(`${source}: ${flag} adapters are not supported`);
  }
  for (const pattern of ['rank_pattern', 'alpha_pattern'] as const) {
    if (cfg[pattern] && Object.keys(cfg[pattern]).length > 0)
      throw new AdapterError(`${source}: per-module ${pattern} is not supported`);
  }
  if (cfg.bias !== undefined && cfg.bias !== 'none')
    throw new AdapterError(`${source}: bias "${cfg.bias}" is not supported (only "none")`);
  if (cfg.target_modules === undefined || cfg.target_modules === null)
    throw new AdapterError(`${source}: target_modules is missing`);
  return {
    r: cfg.r,
    alpha: cfg.lora_alpha ?? 8,
    dropout: cfg.lora_dropout ?? 0,
    targets: cfg.target_modules,
    layers: cfg.layers_to_transform ?? undefined,
    modulesToSave: cfg.modules_to_save ?? undefined,
  };
}

/**
 * Loads a PEFT folder into `model` (PROMPT_TUNING folders go to loadPromptTuning). For LORA: injects adapters from its config when the model has none, then sets A, B
 * and the modules_to_save weights. Every tensor is checked (names, shapes, nothing missing, nothing extra) before
 * anything is assigned.
 */
export async function loadAdapter(model: Model, dir: string): Promise<void> {
  transformerOf(model, 'loadAdapter');
  const configPath = join(dir, ADAPTER_CONFIG_FILE);
  const weightsPath = join(dir, ADAPTER_WEIGHTS_FILE);
  let rawConfig: Record<string, any>;
  try {
    rawConfig = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    throw new AdapterError(`cannot read ${configPath}: ${(error as Error).message}`);
  }
  if (rawConfig.peft_type === 'PROMPT_TUNING') return loadPromptTuning(model, dir);
  const options = loraOptionsFromPeft(rawConfig, configPath);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(weightsPath);
  } catch (error) {
    throw new AdapterError(`cannot read ${weightsPath}: ${(error as Error).message}`);
  }
  const tensors = parseSafetensors(bytes, weightsPath).tensors;

  const injectedHere = !loraState(model);
  if (injectedHere) lora(model, options);
  try {
    assignAdapter(model, options, tensors, configPath, weightsPath, injectedHere);
  } catch (error) {
    if (injectedHere) removeLora(model);
    throw error;
  }
}

function assignAdapter(
  model: Model,
  options: LoraOptions,
  tensors: Map<string, TensorEntry>,
  configPath: string,
  weightsPath: string,
  injectedHere: boolean,
): void {
  const state = requireLora(model, 'loadAdapter');
  if (!injectedHere && (state.config.r !== options.r || state.config.alpha !== options.alpha)) {
    throw new AdapterError(
      `${configPath}: r=${options.r}, lora_alpha=${options.alpha} differ from the model's adapters (r=${state.config.r}, alpha=${state.config.alpha})`,
    );
  }
  const updates: Array<[tf.Variable, TensorEntry]> = [];
  const used = new Set<string>();
  const take = (key: string, variable: tf.Variable) => {
    const t = tensors.get(key);
    if (!t) throw new AdapterError(`${weightsPath} has no tensor ${key}`);
    if (t.shape.length !== variable.shape.length || t.shape.some((d, i) => d !== variable.shape[i])) {
      throw new AdapterError(
        `${weightsPath}: ${key} has shape [${t.shape.join(', ')}], the model needs [${variable.shape.join(', ')}]`,
      );
    }
    if (!(t.data instanceof Float32Array))
      throw new AdapterError(`${weightsPath}: ${key} is ${t.dtype}; expected a float tensor`);
    used.add(key);
    updates.push([variable, t]);
  };
  for (const layer of state.layers) {
    take(`${PEFT_PREFIX}${layer.path}.lora_A.weight`, layer.loraA);
    take(`${PEFT_PREFIX}${layer.path}.lora_B.weight`, layer.loraB);
  }
  for (const [name, variable] of model.params) {
    const key = `${PEFT_PREFIX}${name}`;
    if (state.modulesToSave.some((m) => name.startsWith(`${m}.`)) && tensors.has(key)) take(key, variable);
  }
  const extra = [...tensors.keys()].filter((k) => !used.has(k));
  if (extra.length > 0)
    throw new AdapterError(
      `${weightsPath} has tensors this model's adapters do not use: ${extra.slice(0, 5).join(', ')}`,
    );
  const merged = state.layers.filter((l) => l.merged);
  merged.forEach((l) => l.unmerge());
  for (const [variable, t] of updates)
    tf.tidy(() => variable.assign(tf.tensor(t.data as Float32Array, t.shape, 'float32')));
  merged.forEach((l) => l.merge());
}
