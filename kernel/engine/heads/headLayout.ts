/**
 * How each architecture's Hugging Face `*ForSequenceClassification` lays out its head, so a head added here
 * saves under the names HF loads:
 *   gpt2        transformer.* + score.weight (no bias), last non-padding token   → GPT2ForSequenceClassification
 *   distilbert  distilbert.* + pre_classifier (→ ReLU → dropout) + classifier, [CLS] → DistilBertForSequenceClassification
 *   bert        bert.* (its pooler) + dropout + classifier                        → BertForSequenceClassification
 *   vit         vit.* + classifier on the class token                             → ViTForImageClassification
 */
import type { ModelType } from '../models/model';
import type { Pooling } from './pooling';

/** `pooler`: BERT's tanh pooler over [CLS] (part of the backbone), HF's choice for BERT. */
export type HeadPooling = Pooling | 'pooler';

export interface HeadLayout {
  modelType: ModelType;
  /** Name of the backbone inside the HF head model (`transformer`, `distilbert`, ...). */
  backbonePrefix: string;
  /** Module class of the backbone (for layers()). */
  backboneKind: string;
  architecture: string;
  defaultPooling: HeadPooling;
  poolings: readonly HeadPooling[];
  /** Hidden layer before the classifier (DistilBERT's pre_classifier). */
  preClassifier: boolean;
  /** Name of the output linear and whether it has a bias. */
  outputName: 'score' | 'classifier';
  outputBias: boolean;
  /** Dropout before the output linear, from the config (HF's choice). */
  dropout(config: Record<string, any>): number;
  /** Config key that stores the head dropout, when HF has one. */
  dropoutKey?: string;
  hiddenSize(config: Record<string, any>): number;
}

const LAYOUTS: Record<ModelType, HeadLayout> = {
  gpt2: {
    modelType: 'gpt2',
    backbonePrefix: 'transformer',
    backboneKind: 'GPT2Model',
    architecture: 'GPT2ForSequenceClassification',
    defaultPooling: 'last',
    poolings: ['last', 'mean', 'cls'],
    preClassifier: false,
    outputName: 'score',
    outputBias: false,
    dropout: () => 0,
    hiddenSize: (c) => c.n_embd ?? c.hidden_size,
  },
  distilbert: {
    modelType: 'distilbert',
    backbonePrefix: 'distilbert',
    backboneKind: 'DistilBertModel',
    architecture: 'DistilBertForSequenceClassification',
    defaultPooling: 'cls',
    poolings: ['cls', 'mean', 'last'],
    preClassifier: true,
    outputName: 'classifier',
    outputBias: true,
    dropout: (c) => c.seq_classif_dropout ?? 0.2,
    dropoutKey: 'seq_classif_dropout',
    hiddenSize: (c) => c.dim ?? c.hidden_size,
  },
  bert: {
    modelType: 'bert',
    backbonePrefix: 'bert',
    backboneKind: 'BertModel',
    architecture: 'BertForSequenceClassification',
    defaultPooling: 'pooler',
    poolings: ['pooler', 'cls', 'mean', 'last'],
    preClassifier: false,
    outputName: 'classifier',
    outputBias: true,
    dropout: (c) => c.classifier_dropout ?? c.hidden_dropout_prob ?? 0.1,
    dropoutKey: 'classifier_dropout',
    hiddenSize: (c) => c.hidden_size,
  },
  vit: {
    modelType: 'vit',
    backbonePrefix: 'vit',
    backboneKind: 'ViTModel',
    architecture: 'ViTForImageClassification',
    defaultPooling: 'cls',
    poolings: ['cls', 'mean'],
    preClassifier: false,
    outputName: 'classifier',
    outputBias: true,
    dropout: () => 0,
    hiddenSize: (c) => c.hidden_size,
  },
};

export function headLayout(modelType: ModelType): HeadLayout {
  const layout = LAYOUTS[modelType];
  if (!layout) throw new RangeError(`no classification head layout for model type ${JSON.stringify(modelType)}`);
  return layout;
}
