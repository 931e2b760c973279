/** Keeps the first `max` ids. */
export function keepHead(ids: readonly number[], max: number): number[] {
  return ids.slice(0, Math.max(0, max));
}

/** Keeps the last `max` ids (truncation from the left). */
export function keepTail(ids: readonly number[], max: number): number[] {
  return max <= 0 ? [] : ids.slice(Math.max(0, ids.length - max));
}

export function checkMaxLength(maxLength: number | undefined, minimum: number, what: string): void {
  if (maxLength === undefined) return;
  if (!Number.isSafeInteger(maxLength) || maxLength < minimum) {
    throw new RangeError(`maxLength must be an integer >= ${minimum} (${what}), got ${maxLength}`);
  }
}
