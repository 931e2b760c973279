/**
 * Routes everything written to process.stdout / process.stderr (console.* included, since the global
 * console writes through them) to a callback instead of the real streams. The kernel's own JSON-RPC
 * channel keeps a reference to the real stdout writer taken before this is installed.
 */
import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdout' | 'stderr';
type WriteCallback = (error?: Error | null) => void;

/** Returns a function that puts the original writers back. */
export function captureProcessOutput(onText: (stream: StreamName, text: string) => void): () => void {
  const restores = (['stdout', 'stderr'] as const).map((name) => {
    const stream = process[name];
    const original = stream.write;
    const decoder = new StringDecoder('utf8');
    stream.write = function captured(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
      const encoding = typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : undefined;
      const done = (typeof encodingOrCallback === 'function' ? encodingOrCallback : callback) as
        WriteCallback | undefined;
      const text =
        typeof chunk === 'string'
          ? encoding && encoding !== 'utf8' && encoding !== 'utf-8'
            ? Buffer.from(chunk, encoding).toString('utf8')
            : chunk
          : decoder.write(Buffer.from(chunk as Uint8Array));
      if (text) onText(name, text);
      if (done) process.nextTick(done);
      return true;
    } as typeof stream.write;
    return () => {
      stream.write = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}
