/**
 * Free-form metadata: copied as plain JSON data with keys sorted (so files diff cleanly and
 * writing is deterministic), nesting bounded (so neither copying nor JSON.stringify can overflow
 * the stack). Non-JSON values follow JSON.stringify's rules (undefined dropped, NaN -> null).
 */
export const MAX_METADATA_DEPTH = 100;

export class FreeformJsonError extends Error {
  constructor(
    readonly relativePath: string,
    readonly reason: string,
  ) {
    super(`${relativePath}: ${reason}`);
  }
}

/** Throws FreeformJsonError when the value is nested too deeply, circular, or holds a bigint. */
export function canonicalJsonCopy(value: unknown): unknown {
  checkDepth(value, 0, '');
  let plain: unknown;
  try {
    const text = JSON.stringify(value);
    plain = text === undefined ? null : JSON.parse(text);
  } catch (error) {
    throw new FreeformJsonError('', `is not JSON data (${error instanceof Error ? error.message : String(error)})`);
  }
  return sortKeys(plain);
}

function checkDepth(value: unknown, depth: number, path: string): void {
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_METADATA_DEPTH) {
    throw new FreeformJsonError(path, `is nested more than ${MAX_METADATA_DEPTH} levels deep (or refers to itself)`);
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkDepth(item, depth + 1, `${path}[${index}]`));
  } else {
    for (const key of Object.keys(value))
      checkDepth((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
  }
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort(compareCodeUnits)) {
    // defineProperty, not assignment: a "__proto__" key must stay data, not become the prototype.
    Object.defineProperty(out, key, {
      value: sortKeys(source[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
