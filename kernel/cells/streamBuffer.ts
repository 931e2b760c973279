/**
 * Batches console text into few `cell/stream` notifications: text is held until the event loop turns
 * (or a lot accumulates) and is always flushed before a display output or a cell result, so the client
 * sees everything in the order it happened.
 */
import type { StreamName } from './capture';

const MAX_PENDING_CHARS = 64 * 1024;

export class StreamBuffer {
  private pending: { executionId: string; stream: StreamName; text: string } | undefined;
  private scheduled = false;

  constructor(private readonly send: (executionId: string, stream: StreamName, text: string) => void) {}

  write(executionId: string, stream: StreamName, text: string): void {
    const pending = this.pending;
    if (pending && pending.executionId === executionId && pending.stream === stream) {
      pending.text += text;
    } else {
      this.flush();
      this.pending = { executionId, stream, text };
    }
    if (this.pending!.text.length >= MAX_PENDING_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.send(pending.executionId, pending.stream, pending.text);
  }
}
