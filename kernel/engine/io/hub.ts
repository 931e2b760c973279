// Turns a model source into a local folder: a local folder passes through; a Hugging Face Hub id ("owner/name")
// is downloaded once with @huggingface/hub into ~/.cache/tunebook/hub/<owner>/<name>/<revision> and reused.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { randomBytes } from 'node:crypto';
import { downloadFile, listFiles } from '@huggingface/hub';
import { HubError } from './hubError';
import { CONFIG_FILE, PREPROCESSOR_CONFIG_FILE, WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from './hfFolder';

export interface ResolveSourceOptions {
  /** Use only the cache; default: the HF_HUB_OFFLINE environment variable is "1" or "true". */
  offline?: boolean;
  /** Default ~/.cache/tunebook/hub. */
  cacheDir?: string;
  /** Branch, tag or commit; default "main". */
  revision?: string;
  /** Default: the HF_TOKEN environment variable, for gated or private models. */
  accessToken?: string;
  hubUrl?: string;
  /** Replaces the global fetch (tests inject a fake; nothing else needs it). */
  fetch?: typeof fetch;
  /** Called after each file lands in the cache. */
  onFile?: (file: string, bytes: number) => void;
}

/** Written last into a snapshot folder: without it the snapshot is incomplete and is never used. */
export const COMPLETE_MARKER = '.tunebook-complete.json';
const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;
const REVISION = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const TOKENIZER_FILES = /^tokenizer.*\.json$/;

export function defaultCacheDir(): string {
  return join(homedir(), '.cache', 'tunebook', 'hub');
}

export async function resolveSource(source: string, options: ResolveSourceOptions = {}): Promise<string> {
  const path = source.startsWith('~/') ? join(homedir(), source.slice(2)) : source;
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return resolve(path);
  if (info !== undefined) throw new HubError(source, 'is a file; a model source is a folder (config.json + model.safetensors) or a Hub id');
  if (isAbsolute(path) || source.startsWith('.') || source.startsWith('~') || source.includes('\\')) {
    throw new HubError(source, `local folder ${resolve(path)} does not exist`);
  }
  if (!HUB_ID.test(source) || source.includes('..')) {
    throw new HubError(source, 'is neither an existing local folder nor a Hugging Face Hub id such as "openai-community/gpt2"');
  }
  const revision = options.revision ?? 'main';
  if (!REVISION.test(revision) || revision.split('/').includes('..')) throw new HubError(source, `revision "${revision}" is not a branch, tag or commit name`);
  const snapshot = snapshotDir(options.cacheDir ?? defaultCacheDir(), source, revision);
  if (await isComplete(snapshot)) return snapshot;
  const offline = options.offline ?? ['1', 'true', 'yes'].includes((process.env.HF_HUB_OFFLINE ?? '').toLowerCase());
  if (offline) {
    throw new HubError(source, `revision "${revision}" is not in the cache (${snapshot}) and offline mode is on: run once online, or pass a local folder`);
  }
  await downloadSnapshot(source, revision, snapshot, options);
  return snapshot;
}

export function snapshotDir(cacheDir: string, id: string, revision: string): string {
  return join(resolve(cacheDir), ...id.split('/'), revision.replace(/\//g, '--'));
}

async function isComplete(dir: string): Promise<boolean> {
  return (await stat(join(dir, COMPLETE_MARKER)).catch(() => undefined)) !== undefined;
}

interface RemoteFile {
  path: string;
  size: number;
}

/**
 * Downloads into "<snapshot>.partial", each file through a temporary name renamed into place, then renames the
 * finished folder to <snapshot>. An interrupted run leaves only whole files in the .partial folder, which the
 * next run keeps (same size) and completes.
 */
async function downloadSnapshot(id: string, revision: string, snapshot: string, options: ResolveSourceOptions): Promise<void> {
  const hub = {
    repo: { type: 'model' as const, name: id },
    revision,
    hubUrl: options.hubUrl,
    fetch: options.fetch,
    accessToken: options.accessToken ?? (process.env.HF_TOKEN || undefined),
  };
  const remote = new Map<string, RemoteFile>();
  try {
    for await (const entry of listFiles(hub)) {
      if (entry.type === 'file') remote.set(entry.path, { path: entry.path, size: entry.lfs?.size ?? entry.size });
    }
  } catch (e) {
    throw new HubError(id, `cannot list the files of revision "${revision}" on the Hub (${(e as Error).message})`);
  }
  const staging = `${snapshot}.partial`;
  await mkdir(staging, { recursive: true });
  const fetchFile = (file: RemoteFile) => downloadOne(id, hub, staging, file, options);

  if (!remote.has(CONFIG_FILE)) throw new HubError(id, `has no ${CONFIG_FILE} at revision "${revision}": not a transformers model`);
  const wanted: RemoteFile[] = [remote.get(CONFIG_FILE)!];
  for (const [path, file] of remote) if (TOKENIZER_FILES.test(path) || path === PREPROCESSOR_CONFIG_FILE) wanted.push(file);
  if (remote.has(WEIGHTS_FILE)) {
    wanted.push(remote.get(WEIGHTS_FILE)!);
  } else if (remote.has(WEIGHTS_INDEX_FILE)) {
    wanted.push(remote.get(WEIGHTS_INDEX_FILE)!);
    await fetchFile(remote.get(WEIGHTS_INDEX_FILE)!);
    for (const shard of await shardNames(id, join(staging, WEIGHTS_INDEX_FILE))) {
      const file = remote.get(shard);
      if (file === undefined) throw new HubError(id, `${WEIGHTS_INDEX_FILE} names the shard ${shard}, which the repository does not have`);
      wanted.push(file);
    }
  } else {
    const others = [...remote.keys()].filter((p) => /\.(bin|h5|msgpack|ckpt|pt)$/.test(p));
    throw new HubError(id, `has no safetensors weights at revision "${revision}"${others.length > 0 ? ` (only ${others.join(', ')})` : ''}; Tunebook reads ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}`);
  }
  for (const file of wanted) await fetchFile(file);

  const manifest = { id, revision, files: wanted.map((f) => ({ path: f.path, size: f.size })), downloadedAt: new Date().toISOString() };
  await writeFile(join(staging, COMPLETE_MARKER), `${JSON.stringify(manifest, null, 2)}\n`);
  if (await isComplete(snapshot)) {
    await rm(staging, { recursive: true, force: true }); // another process finished first
    return;
  }
  await rm(snapshot, { recursive: true, force: true });
  await rename(staging, snapshot);
}

async function shardNames(id: string, indexPath: string): Promise<string[]> {
  let weightMap: unknown;
  try {
    weightMap = JSON.parse(await readFile(indexPath, 'utf8')).weight_map;
  } catch (e) {
    throw new HubError(id, `${WEIGHTS_INDEX_FILE} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof weightMap !== 'object' || weightMap === null) throw new HubError(id, `${WEIGHTS_INDEX_FILE} has no "weight_map"`);
  const shards = [...new Set(Object.values(weightMap as Record<string, unknown>))];
  for (const shard of shards) {
    if (typeof shard !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(shard) || shard.startsWith('.')) {
      throw new HubError(id, `${WEIGHTS_INDEX_FILE} names the shard ${JSON.stringify(shard)}, which is not a plain file name`);
    }
  }
  return (shards as string[]).sort();
}

async function downloadOne(
  id: string,
  hub: { repo: { type: 'model'; name: string }; revision: string; hubUrl?: string; fetch?: typeof fetch; accessToken?: string },
  staging: string,
  file: RemoteFile,
  options: ResolveSourceOptions,
): Promise<void> {
  const target = join(staging, file.path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isFile() && existing.size === file.size) return; // finished by an earlier, interrupted run
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const blob = await downloadFile({ ...hub, path: file.path });
    if (blob === null) throw new Error('the Hub says the file does not exist');
    await pipeline(Readable.fromWeb(blob.stream() as unknown as WebReadableStream<Uint8Array>), createWriteStream(temporary));
    const written = (await stat(temporary)).size;
    if (written !== file.size) throw new Error(`received ${written} bytes, expected ${file.size}`);
    await rename(temporary, target);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new HubError(id, `downloading ${file.path} failed (${(e as Error).message}); run again to resume`);
  }
  options.onFile?.(file.path, file.size);
}
