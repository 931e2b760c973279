/**
 * Class names <-> ids, as in a Hugging Face config's `id2label` / `label2id`.
 * Integer labels are ids already (names "0".."max"); string labels are sorted (numbers by value)
 * and numbered from 0; a fixed list of names can be given instead.
 */
import type { RawLabel } from './records';

const MAX_INTEGER_LABEL = 100_000;

export class LabelMap {
  private readonly ids: Map<string, number>;

  private constructor(
    /** id -> name */
    readonly names: readonly string[],
    /** Integer labels are taken as ids (true) or looked up by name (false). */
    private readonly integerLabelsAreIds: boolean,
  ) {
    this.ids = new Map(names.map((name, id) => [name, id]));
    if (this.ids.size !== names.length)
      throw new RangeError(`label names must be unique, got ${JSON.stringify(names)}`);
  }

  /** Builds the map from every label seen in a dataset. */
  static fromLabels(labels: Iterable<RawLabel>): LabelMap {
    const distinct = new Set<RawLabel>(labels);
    if (distinct.size === 0) throw new RangeError('cannot build a label map from zero labels');
    if ([...distinct].every((label) => typeof label === 'number')) {
      const max = [...(distinct as Set<number>)].reduce((a, b) => Math.max(a, b), 0);
      if (max > MAX_INTEGER_LABEL) {
        throw new RangeError(
          `integer labels are class ids 0..n-1, but one is ${max}; use string labels or LabelMap.fromNames`,
        );
      }
      return new LabelMap(
        Array.from({ length: max + 1 }, (_, i) => String(i)),
        true,
      );
    }
    const names = [...new Set([...distinct].map(String))].sort(compareLabelNames);
    return new LabelMap(names, false);
  }

  /** A fixed label set: string labels must be one of `names`, integer labels index into it. */
  static fromNames(names: readonly string[]): LabelMap {
    if (names.length === 0) throw new RangeError('a label map needs at least one label name');
    return new LabelMap([...names], true);
  }

  /** Restores a map saved with `toConfig()` (or read from a model's config.json). */
  static fromConfig(config: { id2label: Record<string, string> }): LabelMap {
    const entries = Object.entries(config.id2label).map(([id, name]) => [Number(id), name] as const);
    entries.sort((a, b) => a[0] - b[0]);
    entries.forEach(([id], i) => {
      if (id !== i)
        throw new RangeError(`id2label ids must be 0..n-1, got ${JSON.stringify(Object.keys(config.id2label))}`);
    });
    return new LabelMap(
      entries.map(([, name]) => name),
      true,
    );
  }

  get size(): number {
    return this.names.length;
  }

  /** The id of `label`, or undefined when it is not in the map. */
  idOf(label: RawLabel): number | undefined {
    if (typeof label === 'number' && this.integerLabelsAreIds) {
      return Number.isInteger(label) && label >= 0 && label < this.names.length ? label : undefined;
    }
    return this.ids.get(String(label));
  }

  nameOf(id: number): string {
    const name = this.names[id];
    if (name === undefined) throw new RangeError(`label id ${id} is outside 0..${this.names.length - 1}`);
    return name;
  }

  /** `{ id2label, label2id }` in the shape of a Hugging Face config.json. */
  toConfig(): { id2label: Record<string, string>; label2id: Record<string, number> } {
    const id2label: Record<string, string> = {};
    const label2id: Record<string, number> = {};
    this.names.forEach((name, id) => {
      id2label[String(id)] = name;
      label2id[name] = id;
    });
    return { id2label, label2id };
  }
}

const CANONICAL_INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** Numbers by value ("2" before "10"), numbers before words, words by code point. */
export function compareLabelNames(a: string, b: string): number {
  const aIsNumber = CANONICAL_INTEGER.test(a);
  const bIsNumber = CANONICAL_INTEGER.test(b);
  if (aIsNumber && bIsNumber) {
    const diff = Number(a) - Number(b);
    if (diff !== 0) return diff;
  }
  if (aIsNumber !== bIsNumber) return aIsNumber ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
