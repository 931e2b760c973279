/**
 * Kernel side of the prompt comparison panel: fills grid cells one after another with `model.generate`,
 * streaming each cell's text as its tokens arrive; reads a notebook variable as the grid's inputs.
 */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  PromptCompareCancelRequest,
  PromptCompareInputsRequest,
  PromptCompareOutputNotification,
  PromptCompareRunRequest,
  GenerationErrorCode,
  type PromptCompareInputsResult,
  type PromptCompareOutputParams,
  type PromptCompareRunParams,
  type PromptCompareRunResult,
} from '../protocol';
import { findTextModel, generateOptions, type GenerationDeps } from './generation';

export const MAX_COMPARE_JOBS = 2000;
export const MAX_COMPARE_INPUTS = 1000;
/** Streaming updates of one cell are at least this far apart (the final text is always sent). */
const STREAM_INTERVAL_MS = 50;

type Connection = Pick<MessageConnection, 'onRequest' | 'sendNotification'>;

/** Registers the prompt comparison panel's requests. */
export function registerPromptCompare(connection: Connection, deps: GenerationDeps): void {
  const running = new Map<string, AbortController>();
  connection.onRequest(PromptCompareCancelRequest.type, (params) => {
    const run = running.get(params?.runId);
    run?.abort();
    return { cancelled: run !== undefined };
  });
  connection.onRequest(PromptCompareRunRequest.type, async (params, token) => {
    const controller = new AbortController();
    running.set(params.runId, controller);
    token.onCancellationRequested(() => controller.abort());
    try {
      return await runComparison(
        deps,
        params,
        controller.signal,
        (output) => void connection.sendNotification(PromptCompareOutputNotification.type, output),
      );
    } finally {
      running.delete(params.runId);
    }
  });
  connection.onRequest(PromptCompareInputsRequest.type, (params) => compareInputs(deps, params?.variable));
}

export async function runComparison(
  deps: GenerationDeps,
  params: PromptCompareRunParams,
  signal: AbortSignal,
  send: (output: PromptCompareOutputParams) => void,
): Promise<PromptCompareRunResult> {
  if (!Array.isArray(params?.jobs) || params.jobs.length > MAX_COMPARE_JOBS) {
    throw new ResponseError(GenerationErrorCode.badParams, `A comparison runs 0 to ${MAX_COMPARE_JOBS} cells.`);
  }
  let completed = 0;
  for (const job of params.jobs) {
    if (signal.aborted) break;
    const cell = { runId: params.runId, row: job.row, column: job.column };
    const started = performance.now();
    try {
      const model = findTextModel(deps, job.model);
      const tokenizer = model.tokenizer!;
      const ids: number[] = [];
      let lastSent = 0;
      const options = generateOptions(job.sampling, 0, signal);
      options.onToken = (id) => {
        ids.push(id);
        const now = performance.now();
        if (now - lastSent < STREAM_INTERVAL_MS) return;
        lastSent = now;
        send({ ...cell, text: tokenizer.decode(ids, { skipSpecialTokens: true }), done: false });
      };
      const result = await model.generate(job.prompt, options);
      send({
        ...cell,
        text: result.text ?? '',
        done: true,
        latencyMs: performance.now() - started,
        tokens: result.ids.length,
      });
      completed++;
    } catch (error) {
      send({
        ...cell,
        text: '',
        done: true,
        latencyMs: performance.now() - started,
        tokens: 0,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { runId: params.runId, completed, cancelled: signal.aborted };
}

export function compareInputs(deps: GenerationDeps, variable: unknown): PromptCompareInputsResult {
  const scope = (deps.scope ?? globalThis) as Record<string, unknown>;
  if (typeof variable !== 'string' || !deps.globalNames().includes(variable)) {
    throw new ResponseError(
      GenerationErrorCode.badVariable,
      `The notebook has no variable named ${JSON.stringify(variable)}; run the cell that declares it.`,
    );
  }
  const value = scope[variable];
  if (!Array.isArray(value))
    throw new ResponseError(
      GenerationErrorCode.badVariable,
      `${variable} is not an array (it is ${value === null ? 'null' : typeof value}).`,
    );
  if (value.length > MAX_COMPARE_INPUTS)
    throw new ResponseError(
      GenerationErrorCode.badVariable,
      `${variable} has ${value.length} items; the grid takes at most ${MAX_COMPARE_INPUTS}.`,
    );
  const inputs = value.map((item: unknown, i) => {
    if (typeof item === 'string') return item;
    const input = item && typeof item === 'object' ? (item as { input?: unknown }).input : undefined;
    if (typeof input === 'string') return input;
    throw new ResponseError(
      GenerationErrorCode.badVariable,
      `${variable}[${i}] is neither a string nor an object with a string "input".`,
    );
  });
  return { inputs };
}
