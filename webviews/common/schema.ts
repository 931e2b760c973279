/**
 * A tiny runtime schema for webview messages: each schema checks an unknown value and returns the
 * problems it found, each with the JSON path of the offending value (`paths[2]`, `model.name`).
 * Free of DOM and `vscode`, so the extension, the webviews and the unit tests share it.
 */
export interface Schema<T> {
  /** Problems with `value` (empty when it is a T); `path` names `value` in the messages. */
  check(value: unknown, path: string): string[];
  /** Phantom: the type this schema accepts. */
  readonly _type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'string'
        ? `"${value.slice(0, 40)}"`
        : typeof value;

export const str = (opts: { maxLength?: number; nonEmpty?: boolean } = {}): Schema<string> => ({
  check: (v, p) => {
    if (typeof v !== 'string') return [`${p} must be a string, got ${describe(v)}`];
    if (opts.nonEmpty && v.length === 0) return [`${p} must not be empty`];
    if (opts.maxLength !== undefined && v.length > opts.maxLength)
      return [`${p} is longer than ${opts.maxLength} characters`];
    return [];
  },
});

export const num = (opts: { integer?: boolean; min?: number; max?: number } = {}): Schema<number> => ({
  check: (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return [`${p} must be a finite number, got ${describe(v)}`];
    if (opts.integer && !Number.isInteger(v)) return [`${p} must be an integer, got ${v}`];
    if (opts.min !== undefined && v < opts.min) return [`${p} must be at least ${opts.min}, got ${v}`];
    if (opts.max !== undefined && v > opts.max) return [`${p} must be at most ${opts.max}, got ${v}`];
    return [];
  },
});

export const bool = (): Schema<boolean> => ({
  check: (v, p) => (typeof v === 'boolean' ? [] : [`${p} must be true or false, got ${describe(v)}`]),
});

export const literal = <const L extends string | number | boolean>(...values: L[]): Schema<L> => ({
  check: (v, p) =>
    values.includes(v as L)
      ? []
      : [`${p} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(v)}`],
});

export const arrayOf = <T>(item: Schema<T>, opts: { maxItems?: number } = {}): Schema<T[]> => ({
  check: (v, p) => {
    if (!Array.isArray(v)) return [`${p} must be an array, got ${describe(v)}`];
    if (opts.maxItems !== undefined && v.length > opts.maxItems)
      return [`${p} has ${v.length} items, more than ${opts.maxItems}`];
    return v.flatMap((x, i) => item.check(x, `${p}[${i}]`));
  },
});

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } => ({
  optional: true,
  check: (v, p) => (v === undefined ? [] : inner.check(v, p)),
});

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/** An object with exactly these keys (unknown keys are reported: they usually mean a typo or a version mismatch). */
export const object = <S extends Shape>(shape: S): Schema<ObjectOf<S>> => ({
  check: (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${p} must be an object, got ${describe(v)}`];
    const record = v as Record<string, unknown>;
    const problems = Object.entries(shape).flatMap(([key, schema]) => schema.check(record[key], `${p}.${key}`));
    for (const key of Object.keys(record)) if (!(key in shape)) problems.push(`${p}.${key} is not expected`);
    return problems;
  },
});

/** A recursive schema (trees): `lazy(() => node)`. */
export const lazy = <T>(get: () => Schema<T>): Schema<T> => ({ check: (v, p) => get().check(v, p) });

/**
 * A union of messages told apart by their `type` string. Returns the message schema whose `type`
 * matches; an unknown or missing `type` is a problem of its own.
 */
export const messageUnion = <M extends Record<string, Schema<{ type: string }>>>(
  members: M,
): Schema<Infer<M[keyof M]>> & { types: string[] } => ({
  types: Object.keys(members),
  check: (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return [`${p} must be a message object, got ${describe(v)}`];
    const type = (v as { type?: unknown }).type;
    if (typeof type !== 'string') return [`${p}.type must be a string naming the message, got ${describe(type)}`];
    const member = Object.prototype.hasOwnProperty.call(members, type) ? members[type] : undefined;
    if (!member)
      return [`${p}.type "${type.slice(0, 60)}" is not a known message (known: ${Object.keys(members).join(', ')})`];
    return member.check(v, p);
  },
});
