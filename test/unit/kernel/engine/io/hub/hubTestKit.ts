// Shared pieces of the Hub tests: the repository served by the fake Hub (the tiny GPT-2 golden fixture plus
// files the client must not fetch), a cache laid out the way Python's huggingface_hub writes it, and an
// environment with every HF_* variable under the test's control.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { etagOf, type FakeRepo } from './fakeHub';

export const GPT2_DIR = join(__dirname, '../../../../../fixtures/golden/gpt2');
export const SHARDED_DIR = join(__dirname, '../../../../../fixtures/io/sharded');
export const ID = 'acme/tiny-gpt2';
export const COMMIT = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
export const OLD_COMMIT = 'b'.repeat(40);
/** What the engine needs of the golden folder (expected.json is test data, not a repository file). */
export const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];

export function folderFiles(dir: string, skip: string[] = []): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir))
    if (!skip.includes(name)) files[name] = new Uint8Array(readFileSync(join(dir, name)));
  return files;
}

export function gpt2Repo(overrides: Partial<FakeRepo> = {}): FakeRepo {
  const files = folderFiles(GPT2_DIR, ['expected.json']);
  // Files a model repository also has, which must not be downloaded.
  files['README.md'] = new TextEncoder().encode('# tiny gpt2\n');
  files['pytorch_model.bin'] = new Uint8Array(64).fill(7);
  files['.gitattributes'] = new TextEncoder().encode('*.safetensors filter=lfs\n');
  return { id: ID, refs: { main: COMMIT, 'v1.0': OLD_COMMIT }, files, ...overrides };
}

/** Writes `files` into `cacheDir` the way huggingface_hub does: blobs by ETag, relative symlinks, refs/<rev>. */
export function writePythonCache(
  cacheDir: string,
  id: string,
  commit: string,
  files: Record<string, Uint8Array>,
  revision = 'main',
): string {
  const repo = join(cacheDir, `models--${id.replace('/', '--')}`);
  const snapshot = join(repo, 'snapshots', commit);
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(repo, 'refs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(cacheDir, '.locks', `models--${id.replace('/', '--')}`), { recursive: true });
  for (const [path, bytes] of Object.entries(files)) {
    const blob = join(repo, 'blobs', etagOf(path, bytes));
    writeFileSync(blob, bytes);
    const pointer = join(snapshot, path);
    mkdirSync(dirname(pointer), { recursive: true });
    symlinkSync(relative(dirname(pointer), blob), pointer);
  }
  writeFileSync(join(repo, 'refs', revision), commit); // Python writes the hash without a newline
  return snapshot;
}

const HF_VARS = [
  'HF_ENDPOINT',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'HF_TOKEN_PATH',
  'HF_HUB_OFFLINE',
  'HF_HOME',
  'HF_HUB_CACHE',
  'HUGGINGFACE_HUB_CACHE',
  'XDG_CACHE_HOME',
];

/** Runs `fn` with HF_HOME in a fresh temp folder, the given HF_* variables, and no others; restores afterwards. */
export async function withHfEnv<T>(vars: Record<string, string>, fn: (home: string) => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(HF_VARS.map((name) => [name, process.env[name]]));
  const home = mkdtempSync(join(tmpdir(), 'tunebook-hf-'));
  for (const name of HF_VARS) delete process.env[name];
  Object.assign(process.env, { HF_HOME: home }, vars);
  try {
    return await fn(home);
  } finally {
    for (const name of HF_VARS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(home, { recursive: true, force: true });
  }
}

/** A fetch that fails the test: for code paths that must not make a request. */
export const noFetch = (async (input: unknown) => {
  throw new Error(`unexpected request to ${String(input)}`);
}) as unknown as typeof fetch;
