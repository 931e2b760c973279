// Which files of a repository the engine needs: config.json, the tokenizer and preprocessor configs, and the
// safetensors weights (one file, or the index and every shard it names). Other files are never fetched.
import { HubError } from '../hubError';
import { CONFIG_FILE, PREPROCESSOR_CONFIG_FILE, WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from '../hfFolder';

const TOKENIZER_FILE = /^tokenizer.*\.json$/;
const OTHER_WEIGHTS = /\.(bin|h5|msgpack|ckpt|pt|pth|gguf|onnx)$/;

/** The needed files among `paths` (shards excepted: they come from the index, see shardNames). */
export function neededFiles(id: string, revision: string, paths: readonly string[]): string[] {
  const has = new Set(paths);
  if (!has.has(CONFIG_FILE))
    throw new HubError(id, `has no ${CONFIG_FILE} at revision "${revision}": not a transformers model`, 'unsupported');
  const files = [CONFIG_FILE, ...paths.filter((p) => TOKENIZER_FILE.test(p) || p === PREPROCESSOR_CONFIG_FILE).sort()];
  if (has.has(WEIGHTS_FILE)) return [...files, WEIGHTS_FILE];
  if (has.has(WEIGHTS_INDEX_FILE)) return [...files, WEIGHTS_INDEX_FILE];
  const others = paths.filter((p) => OTHER_WEIGHTS.test(p));
  throw new HubError(
    id,
    `has no safetensors weights at revision "${revision}"${others.length > 0 ? ` (only ${others.join(', ')})` : ''}; Tunebook reads ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}`,
    'unsupported',
  );
}

/** The shard files a model.safetensors.index.json names, sorted, each checked to be a plain file name. */
export function shardNames(id: string, indexJson: string): string[] {
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(indexJson) as { weight_map?: unknown }).weight_map;
  } catch (e) {
    throw new HubError(id, `${WEIGHTS_INDEX_FILE} is not valid JSON (${(e as Error).message})`, 'bad-response');
  }
  if (typeof weightMap !== 'object' || weightMap === null)
    throw new HubError(id, `${WEIGHTS_INDEX_FILE} has no "weight_map"`, 'bad-response');
  const shards = [...new Set(Object.values(weightMap as Record<string, unknown>))];
  for (const shard of shards) {
    if (typeof shard !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(shard) || shard.startsWith('.')) {
      throw new HubError(
        id,
        `${WEIGHTS_INDEX_FILE} names the shard ${JSON.stringify(shard)}, which is not a plain file name`,
        'bad-response',
      );
    }
  }
  return (shards as string[]).sort();
}

export { WEIGHTS_INDEX_FILE };
