// Requests to the Hub: the token as `Authorization: Bearer`, 5xx/429 answers and failed connections retried with
// backoff (a bounded number of attempts), a timeout while waiting, and every failure turned into a HubError.
import { HubError } from '../hubError';
import { errorForResponse, type RequestContext } from './hubResponseError';
import type { HubSettings } from './hubSettings';
import { Watchdog } from './watchdog';

export interface HubHttpOptions {
  settings: HubSettings;
  /** Replaces the global fetch. */
  fetch?: typeof fetch;
  /** Attempts per request for 5xx answers and failed connections; default 3. */
  attempts?: number;
  /** Delay before the first retry, doubled each time; default 500 ms. */
  retryDelayMs?: number;
  /** Longest wait for an answer or for the next chunk of a body; default 30 s. */
  timeoutMs?: number;
  /** Aborts every request (the running cell's interrupt). */
  signal?: AbortSignal;
  /** Appended to network errors: whether HF_HUB_OFFLINE=1 (the cache only) would help. */
  offlineHint?: string;
}

export interface HubResponse {
  response: Response;
  /** Kick it for each chunk read from the body; stop it when done. */
  watchdog: Watchdog;
  /** Why the body stopped, when it stops early (timeout, interrupt, dropped connection). */
  describeAbort(error: unknown): string;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

export class HubHttp {
  readonly attempts: number;
  private readonly fetchImpl: typeof fetch;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(readonly options: HubHttpOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get settings(): HubSettings {
    return this.options.settings;
  }

  /** The answer for `url` when it is a success (2xx, or 3xx with redirect: 'manual'); otherwise a HubError. */
  async request(
    url: string,
    init: { method: 'GET' | 'HEAD'; headers?: Record<string, string>; redirect?: 'follow' | 'manual' },
    context: RequestContext,
  ): Promise<HubResponse> {
    const headers: Record<string, string> = { 'user-agent': 'tunebook', ...init.headers };
    if (this.settings.token !== undefined) headers.authorization = `Bearer ${this.settings.token}`;
    let lastProblem = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await sleep(this.retryDelayMs * 2 ** (attempt - 2), this.options.signal);
      const controller = new AbortController();
      const signal = this.options.signal
        ? AbortSignal.any([controller.signal, this.options.signal])
        : controller.signal;
      const watchdog = new Watchdog(this.timeoutMs, controller);
      const describeAbort = (error: unknown) =>
        watchdog.fired ? `timed out: ${(controller.signal.reason as Error).message}` : networkCause(error);
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: init.method,
          headers,
          redirect: init.redirect ?? 'follow',
          signal,
        });
      } catch (e) {
        watchdog.stop();
        this.options.signal?.throwIfAborted();
        lastProblem = describeAbort(e);
        continue;
      }
      if (response.ok || (init.redirect === 'manual' && response.status >= 300 && response.status < 400))
        return { response, watchdog, describeAbort };
      watchdog.stop();
      if (RETRY_STATUS.has(response.status) && attempt < this.attempts) {
        await response.body?.cancel().catch(() => undefined);
        continue;
      }
      const error = await errorForResponse(response, context);
      if (error.kind === 'server')
        throw new HubError(
          context.id,
          `${error.message.replace(/^model source "[^"]*": /, '')} (after ${attempt} attempts)`,
          'server',
        );
      throw error;
    }
    throw this.networkError(`${lastProblem}; ${this.attempts} attempts`, context);
  }

  networkError(
    problem: string,
    context: RequestContext,
    what = context.file ?? `the file listing of revision "${context.revision}"`,
  ): HubError {
    const hint = this.options.offlineHint ? ` ${this.options.offlineHint}` : '';
    return new HubError(
      context.id,
      `cannot reach ${this.settings.endpoint} for ${what} (${problem}). Check the network, or set HF_ENDPOINT to a mirror you can reach.${hint}`,
      'network',
    );
  }
}

/** "ECONNREFUSED", "ENOTFOUND", "socket hang up"...: the innermost cause fetch reports. */
export function networkCause(error: unknown): string {
  let current = error as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  const parts: string[] = [];
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current.code === 'string')
      return `${current.code}${typeof current.message === 'string' && !current.message.includes(current.code) ? ` ${current.message}` : ''}`;
    if (typeof current.message === 'string') parts.push(current.message);
    current = current.cause as typeof current;
  }
  return parts.at(-1) ?? String(error);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
