import { readHfFolder } from '../io/hfFolder';
import { ensureBackend } from '../backends/ladder';
import { builtinModelDir } from '../io/builtinModels';
import { resolveSource, type ResolveSourceOptions } from '../io/hub/resolveSource';
import { Tokenizer } from '../io/tokenizer';
import { chooseArchitecture, family } from './architectures';
import { CheckpointValues } from './checkpointValues';
import { ConfigReader } from './configReader';
import type { LoadReport, Model } from './model';
import type { Network } from './network';
import { ParamStore } from './params';
import { TransformerModel } from './transformerModel';

export interface LoadOptions extends Pick<
  ResolveSourceOptions,
  'offline' | 'cacheDir' | 'revision' | 'token' | 'endpoint' | 'onProgress' | 'signal'
> {
  /**
   * The head to build (e.g. `DistilBertForSequenceClassification` on a base checkpoint). Default: the first
   * supported name in config.json's `architectures`; a checkpoint listing only unsupported heads (e.g.
   * `BertForMaskedLM`) loads as its bare backbone.
   */
  architecture?: string;
  /** Size of a new classification head; a checkpoint head of another size is re-initialised (and reported). */
  numLabels?: number;
  /** Labels of a new classification head (sets numLabels too). */
  id2label?: Record<string, string>;
  /** Seeds weights the checkpoint lacks (a new head), so two loads start alike; default 42. */
  seed?: number;
}

/** Seed of freshly initialised weights when `load` is given none. */
export const DEFAULT_LOAD_SEED = 42;

/**
 * Loads a Hugging Face model folder (or Hub id, downloaded through io/hub): config.json, model.safetensors
 * (single or sharded), and when present tokenizer.json / tokenizer_config.json / preprocessor_config.json.
 * Checkpoint names are mapped onto the architecture's canonical names (with or without the base prefix, legacy
 * gamma/beta); what was renamed, ignored or freshly initialised is in `model.loadReport`. Starts the compute
 * backend (TUNEBOOK_BACKEND, default best available) if none runs yet. `tunebook/<name>` names a model that
 * ships with Tunebook (`tunebook/tiny-gpt2`, `tunebook/tiny-distilbert`, `tunebook/tiny-vit`).
 */
export async function load(source: string, options: LoadOptions = {}): Promise<Model> {
  const seed = options.seed ?? DEFAULT_LOAD_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`load: seed must be an integer, got ${options.seed}`);
  await ensureBackend();
  const dir = builtinModelDir(source) ?? (await resolveSource(source, hubOptions(options)));
  const folder = await readHfFolder(dir);
  const f = family(folder.config.model_type, dir);
  const architecture = chooseArchitecture(f, folder.config, options.architecture, true, dir);
  const { config, relabelled } = withLabels(folder.config, options);
  const reader = new ConfigReader(config, f.defaults, dir);
  const build = f.prepare(reader);

  const values = new CheckpointValues(folder.weights, f.basePrefix, dir, relabelled);
  const store = new ParamStore(values, seed);
  let network: Network;
  let loadReport: LoadReport;
  try {
    network = build(store, architecture);
    loadReport = values.finish();
  } catch (e) {
    store.dispose();
    throw e;
  }
  const tokenizer = folder.tokenizerJson ? Tokenizer.fromJson(folder.tokenizerJson, folder.tokenizerConfig) : undefined;
  return new TransformerModel({
    config: reader.full,
    modelType: f.modelType,
    architecture,
    store,
    network,
    tokenizer,
    tokenizerConfig: folder.tokenizerConfig,
    preprocessorConfig: folder.preprocessorConfig,
    loadReport,
  });
}

function hubOptions({
  offline,
  cacheDir,
  revision,
  token,
  endpoint,
  onProgress,
  signal,
}: LoadOptions): ResolveSourceOptions {
  return { offline, cacheDir, revision, token, endpoint, onProgress, signal };
}

function withLabels(
  raw: Record<string, any>,
  options: LoadOptions,
): { config: Record<string, any>; relabelled: boolean } {
  if (options.id2label) {
    const id2label = options.id2label;
    const label2id = Object.fromEntries(Object.entries(id2label).map(([id, label]) => [label, Number(id)]));
    return { config: { ...raw, id2label, label2id, num_labels: undefined }, relabelled: true };
  }
  if (options.numLabels !== undefined) {
    const { id2label: _a, label2id: _b, ...rest } = raw;
    return { config: { ...rest, num_labels: options.numLabels }, relabelled: true };
  }
  return { config: raw, relabelled: false };
}
