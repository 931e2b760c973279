import { BERT_ARCHITECTURES, BERT_BASE_PREFIX, BERT_DEFAULTS, buildBert, readBertConfig } from './bert';
import type { ConfigReader } from './configReader';
import {
  buildDistilBert,
  DISTILBERT_ARCHITECTURES,
  DISTILBERT_BASE_PREFIX,
  DISTILBERT_DEFAULTS,
  readDistilBertConfig,
} from './distilbert';
import { buildGpt2, GPT2_ARCHITECTURES, GPT2_BASE_PREFIX, GPT2_DEFAULTS, readGpt2Config } from './gpt2';
import type { ModelType } from './model';
import { ModelConfigError } from './modelConfigError';
import type { Network } from './network';
import type { ParamStore } from './params';
import { buildVit, readVitConfig, VIT_ARCHITECTURES, VIT_BASE_PREFIX, VIT_DEFAULTS } from './vit';

export interface ArchitectureFamily {
  modelType: ModelType;
  /** Supported `architectures` names, the default (head model) first. */
  architectures: readonly string[];
  /** Module name of the backbone inside head models (`transformer`, `bert`, ...). */
  basePrefix: string;
  defaults: Record<string, unknown>;
  /** Validates the config (throws ModelConfigError) and returns a builder for the network. */
  prepare(reader: ConfigReader): (store: ParamStore, architecture: string) => Network;
}

const FAMILIES: Record<ModelType, ArchitectureFamily> = {
  gpt2: {
    modelType: 'gpt2',
    architectures: GPT2_ARCHITECTURES,
    basePrefix: GPT2_BASE_PREFIX,
    defaults: GPT2_DEFAULTS,
    prepare: (r) => {
      const cfg = readGpt2Config(r);
      return (store, arch) => buildGpt2(store, cfg, arch);
    },
  },
  bert: {
    modelType: 'bert',
    architectures: BERT_ARCHITECTURES,
    basePrefix: BERT_BASE_PREFIX,
    defaults: BERT_DEFAULTS,
    prepare: (r) => {
      const cfg = readBertConfig(r);
      return (store, arch) => buildBert(store, cfg, arch);
    },
  },
  distilbert: {
    modelType: 'distilbert',
    architectures: DISTILBERT_ARCHITECTURES,
    basePrefix: DISTILBERT_BASE_PREFIX,
    defaults: DISTILBERT_DEFAULTS,
    prepare: (r) => {
      const cfg = readDistilBertConfig(r);
      return (store, arch) => buildDistilBert(store, cfg, arch);
    },
  },
  vit: {
    modelType: 'vit',
    architectures: VIT_ARCHITECTURES,
    basePrefix: VIT_BASE_PREFIX,
    defaults: VIT_DEFAULTS,
    prepare: (r) => {
      const cfg = readVitConfig(r);
      return (store, arch) => buildVit(store, cfg, arch);
    },
  },
};

export const SUPPORTED_MODEL_TYPES = Object.keys(FAMILIES) as ModelType[];

export function family(modelType: unknown, source?: string): ArchitectureFamily {
  const f = typeof modelType === 'string' ? FAMILIES[modelType as ModelType] : undefined;
  if (!f) {
    throw new ModelConfigError(
      `model_type ${JSON.stringify(modelType)} is not supported; supported: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
      source,
    );
  }
  return f;
}

/**
 * The head to build: an explicit choice, else the first supported name in `config.architectures`, else — for a
 * config naming only heads the engine lacks (e.g. `BertForMaskedLM`) or none — the bare backbone when
 * `fallbackToBackbone`, the family's default head otherwise.
 */
export function chooseArchitecture(
  f: ArchitectureFamily,
  config: Record<string, any>,
  explicit: string | undefined,
  fallbackToBackbone: boolean,
  source?: string,
): string {
  if (explicit !== undefined) {
    if (!f.architectures.includes(explicit)) {
      throw new ModelConfigError(
        `architecture ${explicit} is not available for ${f.modelType}; choose one of ${f.architectures.join(', ')}`,
        source,
      );
    }
    return explicit;
  }
  const listed: unknown[] = Array.isArray(config.architectures) ? config.architectures : [];
  const match = listed.find((a): a is string => typeof a === 'string' && f.architectures.includes(a));
  if (match) return match;
  return fallbackToBackbone && listed.length > 0 ? f.architectures[f.architectures.length - 1] : f.architectures[0];
}
