/**
 * Splits a document into chunks for indexing:
 *   tokens      windows of `size` tokens overlapping by `overlap` tokens, decoded back to text (needs a tokenizer)
 *   characters  windows of `size` characters overlapping by `overlap` characters
 *   sentences   whole sentences (ending in . ! or ?) grouped up to `size` characters, the last `overlap`
 *               sentences of a chunk repeated at the start of the next; a longer sentence is a chunk of its own
 */
import type { Tokenizer } from '../io/tokenizer';

export type ChunkOptions = { by: 'tokens' | 'characters' | 'sentences'; size: number; overlap?: number };

export const DEFAULT_CHUNK: ChunkOptions = { by: 'tokens', size: 128, overlap: 16 };

export function checkChunkOptions(options: ChunkOptions): Required<ChunkOptions> {
  if (!options || !['tokens', 'characters', 'sentences'].includes(options.by)) {
    throw new RangeError(`chunk.by must be 'tokens', 'characters' or 'sentences', got ${JSON.stringify(options?.by)}`);
  }
  const overlap = options.overlap ?? 0;
  if (!Number.isSafeInteger(options.size) || options.size < 1)
    throw new RangeError(`chunk.size must be an integer >= 1, got ${options.size}`);
  if (!Number.isSafeInteger(overlap) || overlap < 0)
    throw new RangeError(`chunk.overlap must be an integer >= 0, got ${overlap}`);
  if (options.by !== 'sentences' && overlap >= options.size)
    throw new RangeError(`chunk.overlap (${overlap}) must be smaller than chunk.size (${options.size})`);
  return { by: options.by, size: options.size, overlap };
}

export function chunkText(text: string, options: ChunkOptions, tokenizer?: Tokenizer): string[] {
  if (typeof text !== 'string') throw new RangeError(`a document's text must be a string, got ${typeof text}`);
  const { by, size, overlap } = checkChunkOptions(options);
  if (text.trim() === '') return [];
  if (by === 'characters') return windows(text.length, size, overlap).map(([a, b]) => text.slice(a, b));
  if (by === 'tokens') {
    if (!tokenizer)
      throw new RangeError(
        "chunking by tokens needs a model with a tokenizer; use chunk: { by: 'characters', ... } otherwise",
      );
    const ids = tokenizer.encode(text, { addSpecialTokens: false });
    return windows(ids.length, size, overlap).map(([a, b]) =>
      tokenizer.decode(ids.slice(a, b), { skipSpecialTokens: true }).trim(),
    );
  }
  return groupSentences(splitSentences(text), size, overlap);
}

/** [start, end) windows of `size` with `size - overlap` stride covering 0..n. */
function windows(n: number, size: number, overlap: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; ; start += size - overlap) {
    out.push([start, Math.min(start + size, n)]);
    if (start + size >= n) return out;
  }
}

export function splitSentences(text: string): string[] {
  return (text.match(/[^.!?]+(?:[.!?]+|$)/g) ?? []).map((s) => s.trim()).filter((s) => s !== '');
}

function groupSentences(sentences: string[], maxChars: number, overlap: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < sentences.length) {
    let end = start + 1;
    let length = sentences[start].length;
    while (end < sentences.length && length + 1 + sentences[end].length <= maxChars)
      length += 1 + sentences[end++].length;
    chunks.push(sentences.slice(start, end).join(' '));
    if (end >= sentences.length) break;
    // Repeat up to `overlap` sentences, fewer when they and the next new sentence would not fit.
    start = Math.max(start + 1, end - overlap);
    while (start < end && sentences.slice(start, end + 1).join(' ').length > maxChars) start++;
  }
  return chunks;
}
