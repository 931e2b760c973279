/** Running a cell: the execute request, and the streams and rich outputs it produces while it runs. */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ErrorPayload, OutputItem } from './base';

export interface ExecuteCellParams {
  /** Unique per execution; outputs and streams refer to it. */
  executionId: string;
  /** Cell source (TypeScript). */
  code: string;
  /** A name for stack traces, e.g. the cell's index or URI fragment. */
  cellName: string;
}
export interface ExecuteCellResult {
  success: boolean;
  durationMs: number;
  /** Set when the cell threw (also sent as an error output). */
  error?: ErrorPayload;
  /** True when the cell stopped because of an interrupt. */
  interrupted?: boolean;
}
export namespace ExecuteCellRequest {
  export const method = 'cell/execute' as const;
  export const type = new RequestType<ExecuteCellParams, ExecuteCellResult, void>(method);
}

/** Kernel -> client: text written to console.* / process.stdout / process.stderr while a cell runs. */
export interface StreamParams {
  executionId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}
export namespace StreamNotification {
  export const method = 'cell/stream' as const;
  export const type = new NotificationType<StreamParams>(method);
}

/**
 * Kernel -> client: a rich output. `outputId` names one output of the cell;
 * `op: 'append'` adds it, `op: 'replace'` redraws an output appended earlier in place
 * (display handles' `update`).
 */
export interface DisplayParams {
  executionId: string;
  outputId: string;
  op: 'append' | 'replace';
  items: OutputItem[];
}
export namespace DisplayNotification {
  export const method = 'cell/display' as const;
  export const type = new NotificationType<DisplayParams>(method);
}
