/**
 * The sizes a memory estimate needs, read from a model's (or a bare Hugging Face) config with the family's
 * defaults: layers, width, heads, MLP width, vocabulary, tokens per example, and parameter counts by formula
 * (checked against built models in the tests).
 */
import { family } from '../models/architectures';
import type { Model, ModelType } from '../models/model';
import { MemoryEstimateError } from './memoryEstimateError';

export interface TransformerShape {
  modelType: ModelType;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  /** Token vocabulary (0 for ViT). */
  vocab: number;
  /** GPT-2 with its LM head: the loss works on [tokens, vocab] logits. */
  lmHead: boolean;
  numLabels: number;
  /** ViT: patches + class token per image (fixed by the config); text: undefined (the caller's sequence length). */
  fixedTokens?: number;
  maxPositions: number;
  /** Parameters of the whole model, each once (a tied head is not counted again). */
  totalParams: number;
  /** Of those, the classification / untied LM head (what a head-only run trains; GPT-2's tied head: wte). */
  headParams: number;
  /** Per block: the [in, out] sizes of the layers LoRA targets by default (PEFT's defaults). */
  loraTargets: Array<[number, number]>;
}

export function shapeOf(source: Model | Record<string, unknown>): TransformerShape {
  const isModel = typeof (source as Model).trainableVariables === 'function';
  const raw = isModel ? (source as Model).config : (source as Record<string, unknown>);
  const modelType = (isModel ? (source as Model).modelType : raw.model_type) as ModelType;
  if (!['gpt2', 'bert', 'distilbert', 'vit'].includes(modelType)) {
    throw new MemoryEstimateError(
      `cannot estimate memory for model_type ${JSON.stringify(modelType)}; the engine has gpt2, bert, distilbert and vit`,
    );
  }
  const c = { ...family(modelType).defaults, ...raw } as Record<string, any>;
  const architecture = isModel
    ? (source as Model).architecture
    : String((raw.architectures as string[] | undefined)?.[0] ?? '');
  const classifier = architecture.endsWith('Classification');
  const numLabels = classifier
    ? typeof c.num_labels === 'number'
      ? c.num_labels
      : c.id2label
        ? Object.keys(c.id2label).length
        : 2
    : 0;
  const head = (C: number) => (classifier ? C * numLabels + numLabels : 0);
  switch (modelType) {
    case 'gpt2': {
      const C = c.n_embd,
        L = c.n_layer,
        V = c.vocab_size,
        P = c.n_positions;
      const I = c.n_inner ?? 4 * C;
      const lmHead = architecture !== 'GPT2Model';
      const untied = lmHead && c.tie_word_embeddings === false ? V * C : 0;
      const block = 2 * C + (3 * C * C + 3 * C) + (C * C + C) + 2 * C + (C * I + I) + (I * C + C);
      return {
        modelType,
        layers: L,
        hidden: C,
        heads: c.n_head,
        intermediate: I,
        vocab: V,
        lmHead,
        numLabels: 0,
        maxPositions: P,
        totalParams: V * C + P * C + L * block + 2 * C + untied,
        headParams: lmHead ? untied || V * C : 0,
        loraTargets: [[C, 3 * C]],
      };
    }
    case 'distilbert': {
      const C = c.dim,
        L = c.n_layers,
        I = c.hidden_dim,
        V = c.vocab_size,
        P = c.max_position_embeddings;
      const block = 4 * (C * C + C) + 2 * C + (C * I + I) + (I * C + C) + 2 * C;
      const heads = classifier ? C * C + C + head(C) : 0;
      return {
        modelType,
        layers: L,
        hidden: C,
        heads: c.n_heads,
        intermediate: I,
        vocab: V,
        lmHead: false,
        numLabels,
        maxPositions: P,
        totalParams: V * C + (c.sinusoidal_pos_embds ? 0 : P * C) + 2 * C + L * block + heads,
        headParams: heads,
        loraTargets: [
          [C, C],
          [C, C],
        ],
      };
    }
    case 'bert': {
      const C = c.hidden_size,
        L = c.num_hidden_layers,
        I = c.intermediate_size,
        V = c.vocab_size,
        P = c.max_position_embeddings;
      const block = 4 * (C * C + C) + 2 * C + (C * I + I) + (I * C + C) + 2 * C;
      const pooler = architecture === 'BertModel' || classifier ? C * C + C : 0;
      return {
        modelType,
        layers: L,
        hidden: C,
        heads: c.num_attention_heads,
        intermediate: I,
        vocab: V,
        lmHead: false,
        numLabels,
        maxPositions: P,
        totalParams: (V + P + c.type_vocab_size) * C + 2 * C + L * block + pooler + head(C),
        headParams: head(C),
        loraTargets: [
          [C, C],
          [C, C],
        ],
      };
    }
    case 'vit': {
      const C = c.hidden_size,
        L = c.num_hidden_layers,
        I = c.intermediate_size,
        p = c.patch_size,
        S = c.image_size,
        ch = c.num_channels;
      const patches = Math.floor(S / p) ** 2;
      const qkvBias = c.qkv_bias === false ? 0 : 3 * C;
      const block = 2 * C + (3 * C * C + qkvBias) + (C * C + C) + 2 * C + (C * I + I) + (I * C + C);
      const pooler = classifier ? 0 : C * C + C;
      return {
        modelType,
        layers: L,
        hidden: C,
        heads: c.num_attention_heads,
        intermediate: I,
        vocab: 0,
        lmHead: false,
        numLabels,
        maxPositions: patches + 1,
        fixedTokens: patches + 1,
        totalParams: ch * p * p * C + C + C + (patches + 1) * C + L * block + 2 * C + pooler + head(C),
        headParams: head(C),
        loraTargets: [
          [C, C],
          [C, C],
        ],
      };
    }
  }
}
