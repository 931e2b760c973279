/**
 * Soft prompt tuning (Lester et al. 2021; PEFT `PROMPT_TUNING`): `virtualTokens` trainable embeddings are put in
 * front of every input's token embeddings; everything else is frozen. The model sees n + T positions (positions
 * 0..n+T-1, attention mask extended with ones, as PEFT does); token-level outputs (`logits` of a causal LM,
 * `hidden`) drop the virtual positions again so shapes stay [B, T, ...]. Generation prepends them to the prompt.
 *
 * How: inputs get n placeholder ids in front, and the word-embedding module — replaced on its instance — swaps
 * the placeholders' rows for the prompt embeddings while a prompted forward runs.
 *
 * Classification: a built-in [CLS] head reads the first real token (not a virtual one); on a small frozen encoder a
 * mean-pooled head (`addClassificationHead(backbone, { pooling: 'mean' })`, then `promptTuning` on it) reads the task
 * far better. Train with a learning rate around 1e-2 (train()'s 5e-5 default is for full fine-tuning) and more steps
 * than LoRA: a fresh head's small weights pass the prompt little gradient at first.
 *
 * Saved as PEFT does: adapter_config.json (peft_type "PROMPT_TUNING", num_virtual_tokens, token_dim, ...) and
 * adapter_model.safetensors with `prompt_embeddings` [n, dim].
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../io/atomicWrite';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors';
import type { Model } from '../models/model';
import type { Batch, CausalLm, Network } from '../models/network';
import type { TransformerModel } from '../models/transformerModel';
import { HeadModel } from '../heads/headModel';
import { freeze } from './freeze';
import { AdapterError } from './lora/loraError';
import { registerParam, transformerOf, wordEmbedding } from './lora/modelAccess';

export interface PromptTuningOptions {
  /** Number of virtual tokens n. */
  virtualTokens: number;
  /**
   * 'random': N(0, 1) like PEFT's RANDOM (a fresh nn.Embedding); 'vocab': rows of the word-embedding table for
   * random token ids (PEFT SAMPLE_VOCAB); any other string: the embeddings of that text's tokens, repeated to
   * fill n (PEFT TEXT; needs the model's tokenizer). Default 'random'.
   */
  init?: 'random' | 'vocab' | string;
  /** Seeds 'random' and 'vocab' init; default 42. */
  seed?: number;
  /**
   * Keep a sequence classifier's task head trainable (PEFT's `modules_to_save` for SEQ_CLS): the classifier of a
   * `*ForSequenceClassification` model (with DistilBERT's pre_classifier), or the head of an `addClassificationHead`
   * model. Default true; false freezes everything but the prompt.
   */
  trainHead?: boolean;
}

/** Seed of 'random' / 'vocab' init when the options give none. */
export const DEFAULT_PROMPT_SEED = 42;

export const PROMPT_PARAM = 'prompt_encoder.embedding.weight';

interface PromptState {
  n: number;
  dim: number;
  embeddings: tf.Variable;
  init: 'RANDOM' | 'SAMPLE_VOCAB' | 'TEXT';
  initText: string | null;
  /** True while a prompted forward runs (the embedding module then substitutes the first n rows). */
  active: boolean;
}

const states = new WeakMap<Model, PromptState>();

export function promptTuningState(model: Model): Readonly<PromptState> | undefined {
  return states.get(backboneOf(model));
}

/** The soft prompt lives on the transformer: a head model's backbone, or the model itself. */
function backboneOf(model: Model): Model {
  return model instanceof HeadModel ? model.backbone : model;
}

export function promptTuning(
  model: Model,
  options: PromptTuningOptions,
): { virtualTokens: number; tokenDim: number; trainableParams: number } {
  const tm = transformerOf(backboneOf(model), 'promptTuning');
  if (states.has(tm)) throw new AdapterError('this model already has a soft prompt; load a fresh model for another');
  if (tm.network.inputKind !== 'tokens')
    throw new AdapterError(`prompt tuning needs a token model; ${tm.architecture} takes pixels`);
  const n = options?.virtualTokens;
  if (!Number.isSafeInteger(n) || n < 1) throw new AdapterError(`virtualTokens must be a positive integer, got ${n}`);
  if (tm.network.maxPositions !== undefined && n >= tm.network.maxPositions) {
    throw new AdapterError(
      `virtualTokens = ${n} leaves no room for input tokens in the model's ${tm.network.maxPositions} positions`,
    );
  }
  const embedding = wordEmbedding(tm);
  const [vocab, dim] = embedding.weight.shape;
  const init = options.init ?? 'random';
  const seed = options.seed ?? DEFAULT_PROMPT_SEED;
  if (!Number.isSafeInteger(seed)) throw new AdapterError(`seed must be an integer, got ${options.seed}`);
  const initial = initialPrompt(tm, init, n, vocab, embedding.weight, seed);

  freeze(tm, '**');
  for (const v of taskHeadParams(model)) v.trainable = options.trainHead ?? true;
  const embeddings = registerParam(tm, PROMPT_PARAM, initial, true);
  initial.dispose();
  const state: PromptState = {
    n,
    dim,
    embeddings,
    init: init === 'random' ? 'RANDOM' : init === 'vocab' ? 'SAMPLE_VOCAB' : 'TEXT',
    initText: init === 'random' || init === 'vocab' ? null : init,
    active: false,
  };
  states.set(tm, state);

  const lookup = embedding.forward.bind(embedding);
  embedding.forward = (ids) => {
    const full = lookup(ids); // [B, n+T, C]
    if (!state.active) return full;
    state.active = false; // only the outermost lookup of this pass
    const B = ids.shape[0];
    const prompt = tf.tile(tf.expandDims(state.embeddings, 0), [B, 1, 1]); // [B, n, C]
    return tf.concat([prompt, tf.slice(full, [0, n, 0], [-1, -1, -1])], 1); // [B, n+T, C]
  };
  wrapNetwork(tm.network, state);
  return { virtualTokens: n, tokenDim: dim, trainableParams: n * dim };
}

/** A sequence classifier's task head: HeadModel's linears, or the top-level modules beside a built-in backbone. */
function taskHeadParams(model: Model): tf.Variable[] {
  if (model instanceof HeadModel) return [...model.headParams().values()];
  if (!model.architecture.endsWith('ForSequenceClassification')) return [];
  return [...model.params].filter(([name]) => HEAD_MODULES.has(name.split('.')[0])).map(([, v]) => v);
}

/** Hugging Face names of the task-head modules PEFT keeps trainable for SEQ_CLS (plus DistilBERT's hidden layer). */
const HEAD_MODULES = new Set(['classifier', 'pre_classifier', 'score']);

function initialPrompt(
  model: TransformerModel,
  init: string,
  n: number,
  vocab: number,
  table: tf.Variable,
  seed: number,
): tf.Tensor {
  if (init === 'random') return tf.randomNormal([n, table.shape[1] as number], 0, 1, 'float32', seed);
  let ids: number[];
  if (init === 'vocab') {
    ids = Array.from(tf.tidy(() => tf.randomUniform([n], 0, vocab, 'int32', seed)).dataSync());
  } else {
    if (init === '') throw new AdapterError("init text is empty; use 'random', 'vocab' or a non-empty text");
    if (!model.tokenizer) throw new AdapterError('text init needs the model’s tokenizer, and this model has none');
    const tokens = model.tokenizer.encode(init, { addSpecialTokens: false });
    if (tokens.length === 0) throw new AdapterError(`init text ${JSON.stringify(init)} encodes to no tokens`);
    ids = Array.from({ length: n }, (_, i) => tokens[i % tokens.length]);
  }
  return tf.tidy(() => tf.gather(table, tf.tensor1d(ids, 'int32')));
}

/** Prompted versions of the network's entry points and of incremental decoding. */
function wrapNetwork(net: Network, state: PromptState): void {
  const { n } = state;
  const mutable = net as unknown as Record<string, unknown>;
  for (const key of ['output', 'hidden', 'pooled'] as const) {
    const original = net[key];
    if (typeof original !== 'function') continue;
    mutable[key] = (batch: Batch, ctx: unknown) => {
      const T = batch.ids!.shape[1];
      if (net.maxPositions !== undefined && n + T > net.maxPositions) {
        throw new AdapterError(`${T} tokens plus ${n} virtual tokens exceed the model's ${net.maxPositions} positions`);
      }
      state.active = true;
      try {
        const out = (original as (b: Batch, c: unknown) => tf.Tensor).call(net, prompted(batch, n), ctx);
        return out.rank === 3 && out.shape[1] === n + T ? tf.slice(out, [0, n, 0], [-1, -1, -1]) : out; // [B, T, ...]
      } finally {
        state.active = false;
      }
    };
  }
  const lm = net.causalLm;
  if (lm) {
    const wrapped: CausalLm = {
      maxPositions: lm.maxPositions - n,
      vocabSize: lm.vocabSize,
      eosTokenIds: lm.eosTokenIds,
      step(ids, past) {
        if (past) return lm.step(ids, past);
        state.active = true;
        try {
          return lm.step(tf.concat([tf.zeros([ids.shape[0], n], 'int32'), ids], 1) as tf.Tensor2D, undefined);
        } finally {
          state.active = false;
        }
      },
    };
    mutable.causalLm = wrapped;
  }
}

/** ids/mask/types/positions [B, T] → [B, n+T]: placeholders, ones, zeros, and 0..n-1 then the given positions + n. */
function prompted(batch: Batch, n: number): Batch {
  const B = batch.ids!.shape[0];
  const out: Batch = { ...batch, ids: tf.concat([tf.zeros([B, n], 'int32'), batch.ids!], 1) as tf.Tensor2D };
  out.clsPosition = n + (batch.clsPosition ?? 0); // a [CLS] head reads the first real token, not a virtual one
  if (batch.attentionMask)
    out.attentionMask = tf.concat([tf.ones([B, n], batch.attentionMask.dtype), batch.attentionMask], 1) as tf.Tensor2D;
  if (batch.tokenTypeIds)
    out.tokenTypeIds = tf.concat([tf.zeros([B, n], 'int32'), batch.tokenTypeIds], 1) as tf.Tensor2D;
  if (batch.positionIds) {
    const virtual = tf.tile(tf.reshape(tf.range(0, n, 1, 'int32'), [1, n]), [B, 1]);
    out.positionIds = tf.concat([virtual, tf.add(tf.cast(batch.positionIds, 'int32'), n)], 1) as tf.Tensor2D;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// PEFT PROMPT_TUNING folder

const CONFIG_FILE = 'adapter_config.json';
const WEIGHTS_FILE = 'adapter_model.safetensors';

export async function savePromptTuning(
  model: Model,
  dir: string,
  options: { baseModelNameOrPath?: string } = {},
): Promise<void> {
  const state = promptTuningState(model);
  if (!state)
    throw new AdapterError('savePromptTuning: this model has no soft prompt; call promptTuning(model, options) first');
  const config = {
    peft_type: 'PROMPT_TUNING',
    task_type: model.architecture.endsWith('LMHeadModel')
      ? 'CAUSAL_LM'
      : model.architecture.endsWith('ForSequenceClassification')
        ? 'SEQ_CLS'
        : 'FEATURE_EXTRACTION',
    base_model_name_or_path: options.baseModelNameOrPath ?? model.config._name_or_path ?? null,
    num_virtual_tokens: state.n,
    token_dim: state.dim,
    num_transformer_submodules: 1,
    num_attention_heads: model.config.n_head ?? model.config.n_heads ?? model.config.num_attention_heads ?? null,
    num_layers: model.config.n_layer ?? model.config.n_layers ?? model.config.num_hidden_layers ?? null,
    prompt_tuning_init: state.init,
    prompt_tuning_init_text: state.initText,
    tokenizer_name_or_path: null,
    inference_mode: true,
    revision: null,
  };
  const data = (await state.embeddings.data()) as Float32Array;
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(
    join(dir, WEIGHTS_FILE),
    serializeSafetensors([{ name: 'prompt_embeddings', dtype: 'F32', shape: [state.n, state.dim], data }], {
      format: 'pt',
    }),
  );
  await writeFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Loads a PEFT PROMPT_TUNING folder: adds the soft prompt when the model has none, then sets its values. */
export async function loadPromptTuning(model: Model, dir: string): Promise<void> {
  const configPath = join(dir, CONFIG_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  let config: Record<string, any>;
  let bytes: Uint8Array;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8'));
    bytes = await readFile(weightsPath);
  } catch (error) {
    throw new AdapterError(`cannot read the prompt-tuning adapter in ${dir}: ${(error as Error).message}`);
  }
  if (config.peft_type !== 'PROMPT_TUNING')
    throw new AdapterError(`${configPath}: peft_type is ${JSON.stringify(config.peft_type)}, expected PROMPT_TUNING`);
  if ((config.num_transformer_submodules ?? 1) !== 1)
    throw new AdapterError(
      `${configPath}: encoder-decoder prompts (num_transformer_submodules = ${config.num_transformer_submodules}) are not supported`,
    );
  const n = config.num_virtual_tokens;
  const entry = parseSafetensors(bytes, weightsPath).tensors.get('prompt_embeddings');
  if (!entry) throw new AdapterError(`${weightsPath} has no tensor prompt_embeddings`);
  const dim = wordEmbedding(transformerOf(backboneOf(model), 'loadPromptTuning')).weight.shape[1];
  if (
    entry.shape.length !== 2 ||
    entry.shape[0] !== n ||
    entry.shape[1] !== dim ||
    !(entry.data instanceof Float32Array)
  ) {
    throw new AdapterError(
      `${weightsPath}: prompt_embeddings is ${entry.dtype} [${entry.shape.join(', ')}], the model needs F32 [${n}, ${dim}] (num_virtual_tokens × hidden size)`,
    );
  }
  const existing = promptTuningState(model);
  if (existing && existing.n !== n)
    throw new AdapterError(`${configPath}: ${n} virtual tokens, the model's soft prompt has ${existing.n}`);
  if (!existing) promptTuning(model, { virtualTokens: n, init: 'random' });
  const state = promptTuningState(model)!;
  tf.tidy(() => state.embeddings.assign(tf.tensor2d(entry.data as Float32Array, [n, dim])));
}
