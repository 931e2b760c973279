import { chooseArchitecture, family } from './architectures';
import { ConfigReader } from './configReader';
import type { Model, ModelType } from './model';
import { ModelConfigError } from './modelConfigError';
import type { Network } from './network';
import { ParamStore } from './params';
import { TransformerModel } from './transformerModel';

export interface CreateOptions {
  /** Which head to build; default: the first supported `config.architectures` entry, else the family's head model. */
  architecture?: string;
  /** Makes the random initialisation reproducible. */
  seed?: number;
}

const TYPE_BY_ARCHITECTURE_PREFIX: Array<[string, ModelType]> = [
  ['GPT2', 'gpt2'],
  ['DistilBert', 'distilbert'],
  ['Bert', 'bert'],
  ['ViT', 'vit'],
];

/**
 * A randomly initialised model from a Hugging Face-style config (`model_type` or `architectures` required;
 * missing fields take the HF config class defaults). Weights follow HF's init: normal(0, initializer_range),
 * zero biases, unit LayerNorms (GPT-2's residual projections scaled by 1/sqrt(2·n_layer)).
 */
export function create(config: Record<string, any>, opts: CreateOptions = {}): Model {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ModelConfigError('create(config) needs a config object such as { model_type: "gpt2", n_layer: 2 }');
  }
  const modelType = config.model_type ?? inferModelType(config.architectures);
  const f = family(modelType);
  const architecture = chooseArchitecture(f, config, opts.architecture, false);
  const reader = new ConfigReader({ ...config, model_type: modelType }, f.defaults);
  const build = f.prepare(reader);
  const store = new ParamStore(undefined, opts.seed);
  let network: Network;
  try {
    network = build(store, architecture);
  } catch (e) {
    store.dispose();
    throw e;
  }
  return new TransformerModel({ config: reader.full, modelType: f.modelType, architecture, store, network });
}

function inferModelType(architectures: unknown): string | undefined {
  const first = Array.isArray(architectures) ? architectures.find((a) => typeof a === 'string') : undefined;
  return first && TYPE_BY_ARCHITECTURE_PREFIX.find(([prefix]) => first.startsWith(prefix))?.[1];
}
