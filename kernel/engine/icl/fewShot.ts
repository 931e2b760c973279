/**
 * `fewShotClassify(model, { train, dev, template, k, selection, verbalizers })`: in-context classification with
 * a causal LM. For each dev example: pick k demonstrations from `train` (seeded random or nearest neighbours by
 * embeddings), build the prompt from the template, score every label by the summed log-likelihood of its
 * verbaliser tokens after the prompt (one batched forward per example), predict the best-scoring label.
 */
import type { EmbedOptions } from '../features/embed';
import type { Model } from '../models/model';
import { throwIfStopped, yieldAndCheck } from '../train/stopping';
import { scoreContinuationsAsync } from './labelScoring';
import { selectDemonstrations, type Selection } from './selection';
import { buildFewShotPrompt, checkTemplate, type Template } from './template';

export type IclLabel = string | number;

export interface IclExample {
  text: string;
  label: IclLabel;
}

export interface FewShotOptions {
  /** Pool of demonstrations. */
  train: readonly IclExample[];
  /** Examples to classify (their labels give the accuracy). */
  dev: readonly IclExample[];
  template: Template;
  /** Demonstrations per prompt; default 4 (0 = zero-shot). */
  k?: number;
  /** Default 'random'. */
  selection?: Selection;
  /** Label → the words the model should continue the prompt with. Default: the label itself. */
  verbalizers?: Readonly<Record<string, string>>;
  /** Seeds random selection; default 0. */
  seed?: number;
  /** Between demonstrations; default a blank line. */
  separator?: string;
  /** Model whose embeddings pick nearest neighbours; default `model`. */
  embedModel?: Model;
  embedOptions?: EmbedOptions;
}

export interface FewShotPrediction {
  text: string;
  label: IclLabel;
  predicted: IclLabel;
  correct: boolean;
  /** Summed log-likelihood of each label's verbaliser, by label. */
  scores: Record<string, number>;
  /** Score of the true label minus the best other label's (> 0 when correct). */
  margin: number;
  /** Indices into `train` of the demonstrations used. */
  demonstrations: number[];
  prompt: string;
}

export interface FewShotResult {
  accuracy: number;
  meanMargin: number;
  n: number;
  labels: IclLabel[];
  predictions: FewShotPrediction[];
  timeMs: number;
}

export async function fewShotClassify(model: Model, options: FewShotOptions): Promise<FewShotResult> {
  const started = performance.now();
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new RangeError('fewShotClassify needs a model with a tokenizer (model.tokenizer is unset)');
  const { train, dev, template } = options;
  checkExamples(train, 'train', true);
  checkExamples(dev, 'dev', false);
  checkTemplate(template);
  const k = options.k ?? 4;
  const labels = labelSet(train, dev, options.verbalizers);
  const verbaliser = (label: IclLabel) => options.verbalizers?.[String(label)] ?? String(label);

  const chosen = await selectDemonstrations(
    model,
    train.map((e) => e.text),
    dev.map((e) => e.text),
    {
      k,
      selection: options.selection ?? 'random',
      seed: options.seed,
      embedModel: options.embedModel,
      embedOptions: options.embedOptions,
    },
  );
  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const maxPositions = model.config.n_positions ?? model.config.max_position_embeddings;
  const predictions: FewShotPrediction[] = [];
  for (const [i, example] of dev.entries()) {
    throwIfStopped(undefined, 'fewShotClassify');
    const demos = chosen[i].map((j) => ({ text: train[j].text, label: verbaliser(train[j].label) }));
    const { prompt, labelPrefix } = buildFewShotPrompt(template, demos, example.text, options.separator);
    const continuations = labels.map((l) => tokenizer.encode(labelPrefix + verbaliser(l), { addSpecialTokens: false }));
    let promptIds = tokenizer.encode(prompt);
    const room = Number.isInteger(maxPositions)
      ? maxPositions - Math.max(...continuations.map((c) => c.length))
      : Infinity;
    if (room < 1) throw new RangeError(`a verbaliser is longer than the model's ${maxPositions} positions`);
    if (promptIds.length > room) promptIds = promptIds.slice(promptIds.length - room); // keep the end: the query
    const scoreList = await scoreContinuationsAsync(model, promptIds, continuations, padId);
    const best = argmax(scoreList);
    const truth = labels.findIndex((l) => l === example.label);
    const others = scoreList.filter((_, c) => c !== truth);
    predictions.push({
      text: example.text,
      label: example.label,
      predicted: labels[best],
      correct: best === truth,
      scores: Object.fromEntries(labels.map((l, c) => [String(l), scoreList[c]])),
      margin: others.length === 0 ? 0 : scoreList[truth] - Math.max(...others),
      demonstrations: chosen[i],
      prompt,
    });
    await yieldAndCheck(undefined, 'fewShotClassify');
  }
  const n = predictions.length;
  return {
    accuracy: predictions.filter((p) => p.correct).length / n,
    meanMargin: predictions.reduce((s, p) => s + p.margin, 0) / n,
    n,
    labels,
    predictions,
    timeMs: performance.now() - started,
  };
}

function checkExamples(examples: readonly IclExample[], what: string, mayBeEmpty: boolean): void {
  if (!Array.isArray(examples)) throw new RangeError(`${what} must be an array of { text, label }`);
  if (!mayBeEmpty && examples.length === 0) throw new RangeError(`${what} must hold at least one example`);
  examples.forEach((e, i) => {
    if (!e || typeof e.text !== 'string') throw new RangeError(`${what}[${i}].text must be a string`);
    if (typeof e.label !== 'string' && typeof e.label !== 'number')
      throw new RangeError(`${what}[${i}].label must be a string or a number`);
  });
}

/** The candidate labels: the verbalisers' keys when given (matched to the data's label type), else every label seen. */
function labelSet(
  train: readonly IclExample[],
  dev: readonly IclExample[],
  verbalizers?: Readonly<Record<string, string>>,
): IclLabel[] {
  const seen = [...new Set([...train, ...dev].map((e) => e.label))];
  let labels: IclLabel[] = seen;
  if (verbalizers) {
    const numeric = seen.length > 0 && seen.every((l) => typeof l === 'number');
    labels = Object.keys(verbalizers).map((key) => (numeric ? Number(key) : key));
    for (const l of seen)
      if (!labels.includes(l))
        throw new RangeError(
          `label ${JSON.stringify(l)} has no verbaliser; verbalizers cover ${JSON.stringify(Object.keys(verbalizers))}`,
        );
  }
  if (labels.length < 2) throw new RangeError(`classification needs at least 2 labels, got ${JSON.stringify(labels)}`);
  return labels;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
