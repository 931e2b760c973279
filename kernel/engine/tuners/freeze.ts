/**
 * Layer freezing: `freeze(model, selector)` / `unfreeze(model, selector)` switch the `trainable` flag of the
 * variables under the selected modules, so the trainer's optimizer leaves them untouched. A selector is
 *   - a glob over module paths from `model.layers()` (and parameter names): `*` matches within one
 *     dot-separated segment, `**` across segments — e.g. `transformer.h.*.attn`, `**.bias`, `distilbert.**`
 *   - a list of such globs or paths
 *   - `{ firstBlocks: k }`: the embeddings plus the first k transformer blocks (the usual "freeze the bottom")
 */
import type { LayerInfo, Model } from '../models/model';

export type LayerSelector = string | readonly string[] | { firstBlocks: number };

export interface FreezeSummary {
  action: 'freeze' | 'unfreeze';
  /** Module paths / parameter names the selector matched. */
  matched: string[];
  /** Parameters (scalars) whose flag this call changed. */
  changedParams: number;
  trainableParams: number;
  totalParams: number;
  /** trainableParams / totalParams. */
  trainableFraction: number;
}

export function freeze(model: Model, selector: LayerSelector): FreezeSummary {
  return setTrainable(model, selector, false);
}

export function unfreeze(model: Model, selector: LayerSelector): FreezeSummary {
  return setTrainable(model, selector, true);
}

/** Trainable and total parameter counts (each variable once). */
export function parameterCounts(model: Model): { trainableParams: number; totalParams: number } {
  let trainableParams = 0;
  let totalParams = 0;
  for (const v of model.params.values()) {
    totalParams += v.size;
    if (v.trainable) trainableParams += v.size;
  }
  return { trainableParams, totalParams };
}

/** The parameter names a selector covers, and what it matched. Throws a specific error when it matches nothing. */
export function selectParameters(model: Model, selector: LayerSelector): { matched: string[]; params: string[] } {
  const layers = flatten(model.layers());
  const paramNames = [...model.params.keys()];
  const matched = isFirstBlocks(selector)
    ? firstBlocksPaths(model.layers(), selector.firstBlocks)
    : matchGlobs(
        selector,
        layers.map((l) => l.path),
        paramNames,
      );
  const params = paramNames.filter((name) => matched.some((path) => name === path || name.startsWith(`${path}.`)));
  return { matched, params };
}

/** `*` = any characters but '.', `**` = anything (also across dots); everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length;) {
    if (glob.startsWith('**.', i)) {
      pattern += '(?:.*\\.)?';
      i += 3;
    } else if (glob.startsWith('.**', i) && i + 3 === glob.length) {
      pattern += '(?:\\..*)?';
      i += 3;
    } else if (glob.startsWith('**', i)) {
      pattern += '.*';
      i += 2;
    } else if (glob[i] === '*') {
      pattern += '[^.]*';
      i += 1;
    } else {
      pattern += glob[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  return new RegExp(`^${pattern}$`);
}

function setTrainable(model: Model, selector: LayerSelector, trainable: boolean): FreezeSummary {
  const { matched, params } = selectParameters(model, selector);
  let changedParams = 0;
  for (const name of params) {
    const variable = model.params.get(name)!;
    if (variable.trainable !== trainable) {
      variable.trainable = trainable;
      changedParams += variable.size;
    }
  }
  const counts = parameterCounts(model);
  return {
    action: trainable ? 'unfreeze' : 'freeze',
    matched,
    changedParams,
    ...counts,
    trainableFraction: counts.totalParams === 0 ? 0 : counts.trainableParams / counts.totalParams,
  };
}

function isFirstBlocks(selector: LayerSelector): selector is { firstBlocks: number } {
  return typeof selector === 'object' && selector !== null && !Array.isArray(selector) && 'firstBlocks' in selector;
}

function matchGlobs(selector: LayerSelector, layerPaths: string[], paramNames: string[]): string[] {
  const globs =
    typeof selector === 'string' ? [selector] : Array.isArray(selector) ? (selector as readonly unknown[]) : undefined;
  if (!globs || globs.length === 0 || globs.some((g) => typeof g !== 'string' || g === '')) {
    throw new RangeError(
      `a layer selector is a glob string, a non-empty list of them, or { firstBlocks: k }; got ${JSON.stringify(selector)}`,
    );
  }
  const candidates = [...new Set([...layerPaths, ...paramNames])];
  const matched: string[] = [];
  for (const glob of globs as string[]) {
    const re = globToRegExp(glob);
    const hits = candidates.filter((c) => re.test(c));
    if (hits.length === 0) {
      const examples = layerPaths.filter((p) => p.split('.').length <= 3).slice(0, 12);
      throw new RangeError(
        `layer selector "${glob}" matches no module or parameter; paths look like: ${examples.join(', ')}`,
      );
    }
    for (const hit of hits) if (!matched.includes(hit)) matched.push(hit);
  }
  return matched;
}

/** Embedding modules (everything before the block list in the tree) plus blocks 0..k-1. */
function firstBlocksPaths(roots: LayerInfo[], k: number): string[] {
  const found = findBlockList(roots, []);
  if (!found)
    throw new RangeError(
      '{ firstBlocks } needs a model with a list of transformer blocks; this model has none in layers()',
    );
  const blocks = found.list.children ?? [];
  if (!Number.isSafeInteger(k) || k < 0 || k > blocks.length) {
    throw new RangeError(
      `firstBlocks must be an integer in 0..${blocks.length} (the model has ${blocks.length} blocks), got ${k}`,
    );
  }
  return [...found.before.map((l) => l.path), ...blocks.slice(0, k).map((b) => b.path)];
}

/** The first ModuleList in pre-order, with the modules preceding it and each of its ancestors. */
function findBlockList(
  siblings: LayerInfo[],
  before: LayerInfo[],
): { list: LayerInfo; before: LayerInfo[] } | undefined {
  for (const [i, layer] of siblings.entries()) {
    const preceding = [...before, ...siblings.slice(0, i)];
    if (layer.kind === 'ModuleList' && (layer.children?.length ?? 0) > 0) return { list: layer, before: preceding };
    if (layer.children) {
      const inner = findBlockList(layer.children, preceding);
      if (inner) return inner;
    }
  }
  return undefined;
}

function flatten(layers: LayerInfo[]): LayerInfo[] {
  return layers.flatMap((l) => [l, ...flatten(l.children ?? [])]);
}
