/**
 * LoRA options and how they select modules, following PEFT's `LoraConfig`: `targets` as a list matches a module
 * whose path equals an entry or ends with `.<entry>` (PEFT `target_modules`), as a string it is a regular
 * expression the whole path must match; `layers` keeps only modules inside those block indices
 * (PEFT `layers_to_transform`).
 */
import type { ModelType } from '../../models/model';
import { AdapterError } from './loraError';

export interface LoraOptions {
  /** Rank of the update (default 8). */
  r?: number;
  /** Scale numerator: the update is (alpha / r)·B·A (default 8, PEFT's default). */
  alpha?: number;
  /** Dropout on the adapter input while training (default 0). */
  dropout?: number;
  /** Module name suffixes (`c_attn`, `q_lin`, `query`) or one regular expression. Default: PEFT's per-architecture default. */
  targets?: readonly string[] | string;
  /** Only blocks with these indices (default all). */
  layers?: readonly number[] | number;
  /** Modules trained in full and saved with the adapter (PEFT `modules_to_save`); default: the classifier of a classification model. */
  modulesToSave?: readonly string[];
  /** Seed for A's initialisation (default: random). */
  seed?: number;
}

export interface LoraConfig {
  r: number;
  alpha: number;
  dropout: number;
  targets: string[] | string;
  layers?: number[];
  modulesToSave: string[];
  seed?: number;
}

/** PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING for the architectures the engine has. */
export const DEFAULT_TARGETS: Record<ModelType, string[]> = {
  gpt2: ['c_attn'],
  distilbert: ['q_lin', 'v_lin'],
  bert: ['query', 'value'],
  vit: ['query', 'value'],
};

export function resolveLoraConfig(options: LoraOptions, modelType: ModelType, architecture: string): LoraConfig {
  const r = options.r ?? 8;
  if (!Number.isSafeInteger(r) || r < 1) throw new AdapterError(`LoRA rank r must be a positive integer, got ${r}`);
  const alpha = options.alpha ?? 8;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha))
    throw new AdapterError(`LoRA alpha must be a finite number, got ${alpha}`);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    throw new AdapterError(`LoRA dropout must be in [0, 1), got ${dropout}`);
  const targets =
    options.targets === undefined
      ? DEFAULT_TARGETS[modelType]
      : typeof options.targets === 'string'
        ? options.targets
        : Array.isArray(options.targets)
          ? [...options.targets]
          : undefined;
  if (
    targets === undefined ||
    targets === '' ||
    (Array.isArray(targets) && (targets.length === 0 || targets.some((t) => typeof t !== 'string' || t === '')))
  ) {
    throw new AdapterError(
      `LoRA targets must be a regular expression or a list of module names, got ${JSON.stringify(options.targets)}`,
    );
  }
  if (typeof targets === 'string') {
    try {
      new RegExp(targets);
    } catch {
      throw new AdapterError(`LoRA targets ${JSON.stringify(targets)} is not a valid regular expression`);
    }
  }
  const layers =
    options.layers === undefined
      ? undefined
      : typeof options.layers === 'number'
        ? [options.layers]
        : Array.isArray(options.layers)
          ? [...options.layers]
          : [NaN];
  if (layers && layers.some((l) => !Number.isSafeInteger(l) || l < 0))
    throw new AdapterError(`LoRA layers must be block indices, got ${JSON.stringify(options.layers)}`);
  if (
    options.modulesToSave !== undefined &&
    (!Array.isArray(options.modulesToSave) || options.modulesToSave.some((m) => typeof m !== 'string' || m === ''))
  ) {
    throw new AdapterError(
      `modulesToSave must be a list of module names, got ${JSON.stringify(options.modulesToSave)}`,
    );
  }
  const classifier =
    architecture.endsWith('ForSequenceClassification') || architecture.endsWith('ForImageClassification');
  const modulesToSave = options.modulesToSave ? [...options.modulesToSave] : classifier ? ['classifier'] : [];
  return { r, alpha, dropout, targets, layers, modulesToSave, seed: options.seed };
}

/** PEFT's `check_target_module_exists` for a list or a full-match regular expression. */
export function isTarget(path: string, config: Pick<LoraConfig, 'targets' | 'layers'>): boolean {
  const { targets, layers } = config;
  const named =
    typeof targets === 'string'
      ? new RegExp(`^(?:${targets})$`).test(path)
      : targets.some((t) => path === t || path.endsWith(`.${t}`));
  if (!named || !layers) return named;
  const index = blockIndex(path);
  return index !== undefined && layers.includes(index);
}

/** The block index in a path such as `transformer.h.3.attn.c_attn` or `bert.encoder.layer.1.attention...`. */
export function blockIndex(path: string): number | undefined {
  const m = /(?:^|\.)(?:h|layer|layers|blocks)\.(\d+)\./.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** PEFT's `modules_to_save` rule: a module whose path ends with an entry (so `classifier` also covers `pre_classifier`). */
export function isModuleToSave(path: string, modulesToSave: readonly string[]): boolean {
  return modulesToSave.some((m) => path.endsWith(m));
}
