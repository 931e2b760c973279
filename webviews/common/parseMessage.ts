/** Checks a message received by a panel or by the extension against its union's schema: size, then shape. */
import type { Schema } from './schema';

/** Messages larger than this (UTF-16 code units of their JSON) are dropped unread. */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

export type ParsedMessage<T> = { ok: true; message: T } | { ok: false; error: string };

/** Checks a received message: size first (cheap), then shape. Never throws. */
export function parseMessage<T>(schema: Schema<T>, raw: unknown, maxChars = MAX_MESSAGE_CHARS): ParsedMessage<T> {
  let size: number;
  try {
    size = typeof raw === 'string' ? raw.length : (JSON.stringify(raw ?? null)?.length ?? 0);
  } catch (error) {
    return {
      ok: false,
      error: `message is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (size > maxChars) {
    return { ok: false, error: `message of ${size} characters is over the ${maxChars}-character limit` };
  }
  const value: unknown = typeof raw === 'string' ? safeJson(raw) : raw;
  const problems = schema.check(value, 'message');
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    return { ok: false, error: problems.length > 5 ? `${shown}; and ${problems.length - 5} more` : shown };
  }
  return { ok: true, message: value as T };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
