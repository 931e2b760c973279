// Reads and writes a model folder in Hugging Face's layout: config.json, model.safetensors or a sharded
// model.safetensors.index.json + shards, tokenizer.json, tokenizer_config.json, preprocessor_config.json.
import { readdir, readFile, mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HfFolderError } from './hfFolderError';
import { parseSafetensors, serializeSafetensors, DTYPE_BYTES, type TensorEntry } from './safetensors';
import { SafetensorsError } from './safetensorsError';
import { writeFileAtomic } from './atomicWrite';

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const PREPROCESSOR_CONFIG_FILE = 'preprocessor_config.json';
const SHARD_NAME = /^model-\d{5}-of-\d{5}\.safetensors$/;
/** Shards stay well under Node's 4 GiB buffer limit. */
export const DEFAULT_MAX_SHARD_BYTES = 2 * 1024 ** 3;

export interface HfFolder {
  dir: string;
  config: Record<string, any>;
  weights: Map<string, TensorEntry>;
  tokenizerJson?: object;
  tokenizerConfig?: object;
  preprocessorConfig?: object;
}

export interface HfFolderContents {
  config: Record<string, any>;
  weights: TensorEntry[];
  tokenizerJson?: object;
  tokenizerConfig?: object;
  preprocessorConfig?: object;
}

export async function readHfFolder(dir: string): Promise<HfFolder> {
  const folder = resolve(dir);
  const info = await stat(folder).catch(() => undefined);
  if (info === undefined) throw new HfFolderError(folder, 'does not exist');
  if (!info.isDirectory()) throw new HfFolderError(folder, 'is not a directory');
  const config = await readJsonObject(folder, CONFIG_FILE);
  if (config === undefined) {
    throw new HfFolderError(
      folder,
      'not found: a Hugging Face model folder needs config.json (with model.safetensors or model.safetensors.index.json)',
      CONFIG_FILE,
    );
  }
  return {
    dir: folder,
    config,
    weights: await readWeights(folder),
    tokenizerJson: await readJsonObject(folder, TOKENIZER_FILE),
    tokenizerConfig: await readJsonObject(folder, TOKENIZER_CONFIG_FILE),
    preprocessorConfig: await readJsonObject(folder, PREPROCESSOR_CONFIG_FILE),
  };
}

/** Returns undefined when the file does not exist. */
async function readJsonObject(dir: string, file: string): Promise<Record<string, any> | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HfFolderError(dir, `cannot be read (${(e as Error).message})`, file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HfFolderError(dir, `is not valid JSON (${(e as Error).message})`, file);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HfFolderError(dir, 'is not a JSON object', file);
  return value as Record<string, any>;
}

async function readSafetensorsFile(dir: string, file: string): Promise<Map<string, TensorEntry>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new HfFolderError(dir, 'is missing', file);
    throw new HfFolderError(dir, `cannot be read (${(e as Error).message})`, file);
  }
  return parseSafetensors(bytes, join(dir, file)).tensors;
}

async function readWeights(dir: string): Promise<Map<string, TensorEntry>> {
  const files = new Set(await readdir(dir));
  if (files.has(WEIGHTS_FILE)) return readSafetensorsFile(dir, WEIGHTS_FILE);
  if (files.has(WEIGHTS_INDEX_FILE)) return readShardedWeights(dir);
  const other = [...files].filter((f) => /\.(bin|pt|pth|h5|msgpack|ckpt)$/.test(f));
  const hint =
    other.length > 0
      ? ` (found ${other.join(', ')}: only safetensors weights are read; convert them with transformers' save_pretrained(safe_serialization=True))`
      : '';
  throw new HfFolderError(dir, `no weights: expected ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}${hint}`);
}

async function readShardedWeights(dir: string): Promise<Map<string, TensorEntry>> {
  const index = (await readJsonObject(dir, WEIGHTS_INDEX_FILE))!;
  const weightMap = index.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new HfFolderError(dir, 'has no "weight_map" object', WEIGHTS_INDEX_FILE);
  }
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (
      typeof shard !== 'string' ||
      shard.includes('/') ||
      shard.includes('\\') ||
      shard === '..' ||
      shard === '.' ||
      shard === ''
    ) {
      throw new HfFolderError(
        dir,
        `weight_map gives tensor "${tensor}" the shard ${JSON.stringify(shard)}, which is not a file name in this folder`,
        WEIGHTS_INDEX_FILE,
      );
    }
    byShard.set(shard, [...(byShard.get(shard) ?? []), tensor]);
  }
  const loaded = new Map<string, Map<string, TensorEntry>>();
  for (const [shard, names] of byShard) {
    try {
      loaded.set(shard, await readSafetensorsFile(dir, shard));
    } catch (e) {
      if (e instanceof HfFolderError && e.file === shard) {
        throw new HfFolderError(
          dir,
          `is missing but ${WEIGHTS_INDEX_FILE} lists ${names.length} tensor(s) in it (first: "${names[0]}"); the download is incomplete`,
          shard,
        );
      }
      throw e;
    }
  }
  for (const [shard, names] of byShard) {
    for (const name of names) {
      if (!loaded.get(shard)!.has(name))
        throw new HfFolderError(
          dir,
          `${WEIGHTS_INDEX_FILE} says tensor "${name}" is in this shard, but it is not`,
          shard,
        );
    }
  }
  const weights = new Map<string, TensorEntry>();
  for (const [shard, tensors] of loaded) {
    for (const [name, tensor] of tensors) {
      const mapped = (weightMap as Record<string, string>)[name];
      if (mapped !== undefined && mapped !== shard) {
        throw new HfFolderError(
          dir,
          `tensor "${name}" is also stored here, but ${WEIGHTS_INDEX_FILE} puts it in ${mapped}`,
          shard,
        );
      }
      weights.set(name, tensor);
    }
  }
  return weights;
}

export interface WriteHfFolderOptions {
  /** Above this many bytes of tensor data the weights are split into shards with an index. */
  maxShardBytes?: number;
  metadata?: Record<string, string>;
}

/** Writes each file atomically, then removes weight files of an earlier save that the new layout does not use. */
export async function writeHfFolder(
  dir: string,
  contents: HfFolderContents,
  options: WriteHfFolderOptions = {},
): Promise<void> {
  const folder = resolve(dir);
  const maxShardBytes = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  const metadata = options.metadata ?? { format: 'pt' };
  await mkdir(folder, { recursive: true });
  await writeJson(folder, CONFIG_FILE, contents.config);
  const shards = splitIntoShards(contents.weights, maxShardBytes);
  const written = new Set<string>();
  if (shards.length === 1) {
    await writeFileAtomic(join(folder, WEIGHTS_FILE), serializeOrExplain(folder, WEIGHTS_FILE, shards[0], metadata));
    written.add(WEIGHTS_FILE);
  } else {
    const weightMap: Record<string, string> = {};
    let totalSize = 0;
    for (let i = 0; i < shards.length; i++) {
      const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
      await writeFileAtomic(join(folder, file), serializeOrExplain(folder, file, shards[i], metadata));
      written.add(file);
      for (const tensor of shards[i]) {
        weightMap[tensor.name] = file;
        totalSize += byteSize(tensor);
      }
    }
    const sortedMap = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    await writeJson(folder, WEIGHTS_INDEX_FILE, { metadata: { total_size: totalSize }, weight_map: sortedMap });
    written.add(WEIGHTS_INDEX_FILE);
  }
  for (const [file, value] of [
    [TOKENIZER_FILE, contents.tokenizerJson],
    [TOKENIZER_CONFIG_FILE, contents.tokenizerConfig],
    [PREPROCESSOR_CONFIG_FILE, contents.preprocessorConfig],
  ] as const) {
    if (value !== undefined) await writeJson(folder, file, value);
  }
  for (const file of await readdir(folder)) {
    const staleWeights = file === WEIGHTS_FILE || file === WEIGHTS_INDEX_FILE || SHARD_NAME.test(file);
    if (staleWeights && !written.has(file)) await rm(join(folder, file), { force: true });
  }
}

function serializeOrExplain(
  dir: string,
  file: string,
  tensors: TensorEntry[],
  metadata: Record<string, string>,
): Uint8Array {
  try {
    return serializeSafetensors(tensors, metadata);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new HfFolderError(dir, `cannot be written: ${e.message}`, file);
    throw e;
  }
}

function byteSize(tensor: TensorEntry): number {
  return tensor.data.length * (DTYPE_BYTES[tensor.dtype] ?? 0);
}

/** Greedy in name order, like transformers: a tensor larger than the limit gets a shard of its own. */
function splitIntoShards(weights: TensorEntry[], maxShardBytes: number): TensorEntry[][] {
  const sorted = [...weights].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const shards: TensorEntry[][] = [[]];
  let current = 0;
  for (const tensor of sorted) {
    const size = byteSize(tensor);
    if (current > 0 && current + size > maxShardBytes) {
      shards.push([]);
      current = 0;
    }
    shards[shards.length - 1].push(tensor);
    current += size;
  }
  return shards;
}

async function writeJson(dir: string, file: string, value: object): Promise<void> {
  await writeFileAtomic(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
}
