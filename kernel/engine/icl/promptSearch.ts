/**
 * `promptSearch(model, { templates, dev, train, ... })`: hard prompt search — scores every template with
 * `fewShotClassify` on the same dev set (same demonstrations for every template: same seed / neighbours) and
 * ranks them by accuracy, then mean margin. The result draws itself as a table in a cell.
 */
import type { Model } from '../models/model';
import { DISPLAY_SYMBOL } from '../runtime/kernelBridge';
import { throwIfStopped } from '../train/stopping';
import type { OutputItem } from '../../protocol';
import { fewShotClassify, type FewShotOptions, type FewShotResult, type IclExample } from './fewShot';
import { checkTemplate, templateName, type Template } from './template';

export interface PromptSearchOptions extends Omit<FewShotOptions, 'template' | 'train'> {
  templates: readonly Template[];
  /** Demonstration pool; default none (zero-shot, k = 0). */
  train?: readonly IclExample[];
}

export interface PromptSearchEntry {
  rank: number;
  /** The template string, or a function template's name. */
  name: string;
  template: Template;
  accuracy: number;
  meanMargin: number;
  timeMs: number;
  result: FewShotResult;
}

export interface PromptSearchRow {
  rank: number;
  template: string;
  accuracy: number;
  meanMargin: number;
  timeMs: number;
}

export interface PromptSearchResult {
  /** Best first. */
  ranked: PromptSearchEntry[];
  best: PromptSearchEntry;
  /** Plain rows for `display.table`. */
  rows: PromptSearchRow[];
}

export async function promptSearch(model: Model, options: PromptSearchOptions): Promise<PromptSearchResult> {
  const { templates } = options;
  if (!Array.isArray(templates) || templates.length === 0)
    throw new RangeError('promptSearch needs a non-empty list of templates');
  templates.forEach((t, i) => {
    try {
      checkTemplate(t);
    } catch (e) {
      throw new RangeError(`templates[${i}]: ${(e as Error).message}`);
    }
  });
  const train = options.train ?? [];
  const k = options.k ?? (train.length === 0 ? 0 : 4);
  const scored: Omit<PromptSearchEntry, 'rank'>[] = [];
  for (const [i, template] of templates.entries()) {
    throwIfStopped(undefined, 'promptSearch');
    const result = await fewShotClassify(model, { ...options, train, k, template });
    scored.push({
      name: templateName(template, i),
      template,
      accuracy: result.accuracy,
      meanMargin: result.meanMargin,
      timeMs: result.timeMs,
      result,
    });
  }
  const ranked = scored
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => b.entry.accuracy - a.entry.accuracy || b.entry.meanMargin - a.entry.meanMargin || a.index - b.index)
    .map(({ entry }, i) => ({ rank: i + 1, ...entry }));
  const rows = ranked.map(({ rank, name, accuracy, meanMargin, timeMs }) => ({
    rank,
    template: name,
    accuracy,
    meanMargin,
    timeMs,
  }));
  const result: PromptSearchResult = { ranked, best: ranked[0], rows };
  Object.defineProperty(result, DISPLAY_SYMBOL, { value: () => renderRows(rows), enumerable: false });
  return result;
}

function renderRows(rows: readonly PromptSearchRow[]): OutputItem[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '| rank | template | accuracy | mean margin | time |',
    '|---:|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.rank} | \`${cell(r.template)}\` | ${(100 * r.accuracy).toFixed(1)}% | ${r.meanMargin.toFixed(3)} | ${(r.timeMs / 1000).toFixed(2)} s |`,
    ),
  ];
  return [{ mime: 'text/markdown', data: lines.join('\n') }];
}
