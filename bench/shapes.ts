/** Hugging Face-style configs of the benchmarked model shapes (random init), full size or shrunk for development. */
export interface ShapeSize {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  positions: number;
  imageSize: number;
  patchSize: number;
}

export function gpt2Config(
  s: Pick<ShapeSize, 'layers' | 'hidden' | 'heads' | 'intermediate' | 'vocab' | 'positions'>,
): Record<string, unknown> {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: s.vocab,
    n_positions: s.positions,
    n_embd: s.hidden,
    n_head: s.heads,
    n_layer: s.layers,
    n_inner: s.intermediate,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
  };
}

export function distilbertConfig(
  s: Pick<ShapeSize, 'layers' | 'hidden' | 'heads' | 'intermediate' | 'vocab' | 'positions'>,
  numLabels = 2,
): Record<string, unknown> {
  return {
    model_type: 'distilbert',
    architectures: ['DistilBertForSequenceClassification'],
    vocab_size: s.vocab,
    max_position_embeddings: s.positions,
    dim: s.hidden,
    hidden_dim: s.intermediate,
    n_heads: s.heads,
    n_layers: s.layers,
    dropout: 0,
    attention_dropout: 0,
    seq_classif_dropout: 0,
    id2label: Object.fromEntries(Array.from({ length: numLabels }, (_, i) => [String(i), `LABEL_${i}`])),
  };
}

export function bertConfig(
  s: Pick<ShapeSize, 'layers' | 'hidden' | 'heads' | 'intermediate' | 'vocab' | 'positions'>,
  numLabels = 2,
): Record<string, unknown> {
  return {
    model_type: 'bert',
    architectures: ['BertForSequenceClassification'],
    vocab_size: s.vocab,
    max_position_embeddings: s.positions,
    hidden_size: s.hidden,
    intermediate_size: s.intermediate,
    num_attention_heads: s.heads,
    num_hidden_layers: s.layers,
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    id2label: Object.fromEntries(Array.from({ length: numLabels }, (_, i) => [String(i), `LABEL_${i}`])),
  };
}

export function vitConfig(
  s: Pick<ShapeSize, 'layers' | 'hidden' | 'heads' | 'intermediate' | 'imageSize' | 'patchSize'>,
  numLabels = 10,
): Record<string, unknown> {
  return {
    model_type: 'vit',
    architectures: ['ViTForImageClassification'],
    image_size: s.imageSize,
    patch_size: s.patchSize,
    hidden_size: s.hidden,
    intermediate_size: s.intermediate,
    num_attention_heads: s.heads,
    num_hidden_layers: s.layers,
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    id2label: Object.fromEntries(Array.from({ length: numLabels }, (_, i) => [String(i), `LABEL_${i}`])),
  };
}
