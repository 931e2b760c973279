// Turns a model source into a local folder: a local folder passes through; a Hugging Face Hub id ("owner/name")
// is found in the huggingface_hub cache (HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub), with no request
// when the snapshot there is complete, or downloaded into it from HF_ENDPOINT (default https://huggingface.co).
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { currentSignal, insideKernel, kernelBridge } from '../../runtime/kernelBridge';
import { HubError } from '../hubError';
import { RepoCache } from './cacheLayout';
import { findCachedSnapshot } from './cachedSnapshot';
import type { DownloadProgressCallback } from './downloadProgress';
import { DownloadReporter } from './downloadReporter';
import { HubHttp } from './hubHttp';
import { hubSettings } from './hubSettings';
import { DownloadProgressView } from './progressView';
import { downloadSnapshot } from './snapshotDownload';

export interface ResolveSourceOptions {
  /** Use only the cache, never a request; default: HF_HUB_OFFLINE is 1/true/yes/on. */
  offline?: boolean;
  /** The huggingface_hub cache root; default HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Branch, tag or commit; default "main". */
  revision?: string;
  /** For gated or private models; default HF_TOKEN, else the token file of `huggingface-cli login`. */
  token?: string;
  /** The Hub or a mirror; default HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Download progress; default inside a kernel: a cell output updated in place. */
  onProgress?: DownloadProgressCallback;
  /** Aborts the download; default: the running cell's interrupt. */
  signal?: AbortSignal;
  /** Replaces the global fetch. */
  fetch?: typeof fetch;
  /** Attempts per request on 5xx or a failed connection (default 3), first retry delay (default 500 ms). */
  attempts?: number;
  retryDelayMs?: number;
  /** Longest wait for an answer or the next chunk (default 30 s). */
  timeoutMs?: number;
}

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;
const REVISION = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export async function resolveSource(source: string, options: ResolveSourceOptions = {}): Promise<string> {
  const path = source.startsWith('~/') ? join(homedir(), source.slice(2)) : source;
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return resolve(path);
  if (info !== undefined)
    throw new HubError(source, 'is a file; a model source is a folder (config.json + model.safetensors) or a Hub id');
  if (isAbsolute(path) || source.startsWith('.') || source.startsWith('~') || source.includes('\\')) {
    throw new HubError(source, `local folder ${resolve(path)} does not exist`);
  }
  if (!HUB_ID.test(source) || source.includes('..')) {
    throw new HubError(
      source,
      'is neither an existing local folder nor a Hugging Face Hub id such as "openai-community/gpt2"',
    );
  }
  const revision = options.revision ?? 'main';
  if (!REVISION.test(revision) || revision.split('/').includes('..'))
    throw new HubError(source, `revision "${revision}" is not a branch, tag or commit name`);

  const settings = hubSettings({
    endpoint: options.endpoint,
    token: options.token,
    offline: options.offline,
    cacheDir: options.cacheDir,
  });
  const cache = new RepoCache(resolve(settings.cacheDir), source);
  const cached = await findCachedSnapshot(cache, revision);
  if (cached.usable) return cached.dir;
  if (settings.offline) {
    throw new HubError(
      source,
      `offline mode is on (HF_HUB_OFFLINE or offline: true) and revision "${revision}" is not complete in the cache ${settings.cacheDir}: missing ${cached.missing}. Download it once online, or pass a local folder`,
      'offline',
    );
  }

  const signal = options.signal ?? currentSignal();
  const http = new HubHttp({
    settings,
    fetch: options.fetch,
    attempts: options.attempts,
    retryDelayMs: options.retryDelayMs,
    timeoutMs: options.timeoutMs,
    signal,
    offlineHint: await offlineHint(cache, revision, cached.missing),
  });
  const view =
    options.onProgress === undefined && insideKernel()
      ? new DownloadProgressView(source.split('/').at(-1)!)
      : undefined;
  const reporter = clientReporter(source, revision);
  const onProgress = options.onProgress ?? ((p) => view?.update(p));
  try {
    const dir = await downloadSnapshot(http, cache, revision, (p) => {
      reporter?.update(p);
      onProgress(p);
    });
    reporter?.finish('done', { commit: basename(dir) });
    return dir;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    view?.finish(message);
    reporter?.finish(signal?.aborted ? 'interrupted' : 'failed', { message });
    throw e;
  }
}

/** Progress for the kernel's client (VS Code's progress UI), when the kernel offers the channel. */
function clientReporter(source: string, revision: string): DownloadReporter | undefined {
  const bridge = kernelBridge();
  const send = bridge?.reportDownload;
  return send === undefined ? undefined : new DownloadReporter(source, revision, (report) => send.call(bridge, report));
}

/** Whether HF_HUB_OFFLINE=1 would help after a network failure: only if some other commit is complete in the cache. */
async function offlineHint(cache: RepoCache, revision: string, missing: string): Promise<string> {
  for (const commit of (await readdir(join(cache.dir, 'snapshots')).catch(() => [] as string[])).sort()) {
    if ((await findCachedSnapshot(cache, commit)).usable) {
      return `Commit ${commit} of this model is complete in the cache: with HF_HUB_OFFLINE=1, load it with { revision: "${commit}" }.`;
    }
  }
  return `HF_HUB_OFFLINE=1 (cache only) will not help yet: revision "${revision}" is not complete in the cache (missing ${missing}).`;
}
