import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPLETE_MARKER, resolveSource, snapshotDir } from '../../../../../kernel/engine/io/hub';
import { HubError } from '../../../../../kernel/engine/io/hubError';
import { readHfFolder } from '../../../../../kernel/engine/io/hfFolder';

// No network: a fake fetch plays the Hub's tree listing and resolve endpoints, serving the sharded fixture.
const SHARDED = join(__dirname, '../../../../fixtures/io/sharded');
const ID = 'acme/tiny-gpt2';

interface FakeHub {
  fetch: typeof fetch;
  requests: string[];
}

function fakeHub(files: Record<string, Uint8Array>, opts: { breakFile?: string; pageSize?: number } = {}): FakeHub {
  const requests: string[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    requests.push(`${url.pathname}${url.search}`);
    const tree = url.pathname.match(/^\/api\/models\/(.+)\/tree\/([^/]+)$/);
    if (tree !== null) {
      if (tree[1] !== ID) return new Response('{"error":"Repository not found"}', { status: 404, headers: { 'Content-Type': 'application/json' } });
      const entries = Object.entries(files).map(([path, bytes]) => ({ type: 'file', path, size: bytes.length, oid: 'x' }));
      const pageSize = opts.pageSize ?? entries.length;
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const headers = new Headers({ 'Content-Type': 'application/json' });
      if (start + pageSize < entries.length) headers.set('Link', `<${url.origin}${url.pathname}?recursive=false&cursor=${start + pageSize}>; rel="next"`);
      return new Response(JSON.stringify(entries.slice(start, start + pageSize)), { headers });
    }
    const resolved = url.pathname.match(/^\/(.+)\/resolve\/([^/]+)\/(.+)$/);
    const bytes = resolved !== null && resolved[1] === ID ? files[resolved[3]] : undefined;
    if (bytes === undefined) return new Response('not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
    const range = new Headers(init?.headers).get('Range');
    if (range === 'bytes=0-0') {
      return new Response(bytes.slice(0, 1).buffer as ArrayBuffer, { status: 206, headers: { 'Content-Range': `bytes 0-0/${bytes.length}`, ETag: '"etag"' } });
    }
    if (resolved![3] === opts.breakFile) {
      // The connection drops half way through the body.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.subarray(0, bytes.length >> 1));
          setTimeout(() => controller.error(new Error('connection reset')), 1);
        },
      });
      return new Response(body, { status: 200 });
    }
    return new Response(bytes.slice().buffer as ArrayBuffer, { status: 200, headers: { 'Content-Length': String(bytes.length) } });
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

function repoFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(SHARDED)) files[name] = new Uint8Array(readFileSync(join(SHARDED, name)));
  // Files a model repository also has, which must not be downloaded.
  files['README.md'] = new TextEncoder().encode('# tiny');
  files['pytorch_model.bin'] = new Uint8Array(64);
  files['.gitattributes'] = new Uint8Array(3);
  return files;
}

const offlineFetch = (async () => assert.fail('offline resolution must not touch the network')) as unknown as typeof fetch;

test('a local folder passes through untouched, without network', async () => {
  assert.equal(await resolveSource(SHARDED, { fetch: offlineFetch }), SHARDED);
  await assert.rejects(resolveSource('./no/such/folder', { fetch: offlineFetch }), (e: unknown) => e instanceof HubError && /local folder .* does not exist/.test(e.message));
  await assert.rejects(resolveSource(join(SHARDED, 'config.json')), /is a file/);
  await assert.rejects(resolveSource('not a valid id!', { fetch: offlineFetch }), /neither an existing local folder nor a Hugging Face Hub id/);
});

test('a Hub id downloads only the needed files into the cache, then resolves from the cache offline', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tunebook-hub-'));
  try {
    const hub = fakeHub(repoFiles(), { pageSize: 3 });
    const landed: string[] = [];
    const dir = await resolveSource(ID, { cacheDir: cache, fetch: hub.fetch, offline: false, onFile: (f) => landed.push(f) });
    assert.equal(dir, join(cache, 'acme', 'tiny-gpt2', 'main'));
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, [COMPLETE_MARKER, 'config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'].sort());
    assert.ok(!hub.requests.some((r) => r.includes('pytorch_model.bin') || r.includes('README.md')), 'unneeded files are not requested');
    assert.equal(landed.length, 7);
    for (const f of files.filter((f) => f !== COMPLETE_MARKER)) assert.deepEqual(readFileSync(join(dir, f)), readFileSync(join(SHARDED, f)), f);
    assert.equal((await readHfFolder(dir)).weights.size, 6);
    // Second time: straight from the cache, offline or not, with no request at all.
    assert.equal(await resolveSource(ID, { cacheDir: cache, fetch: offlineFetch, offline: true }), dir);
    assert.equal(await resolveSource(ID, { cacheDir: cache, fetch: offlineFetch }), dir);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('offline with nothing cached is a clear error', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tunebook-hub-'));
  try {
    await assert.rejects(resolveSource(ID, { cacheDir: cache, offline: true, fetch: offlineFetch, revision: 'v1.0' }), (e: unknown) => e instanceof HubError && /revision "v1\.0" is not in the cache .* offline mode is on/.test(e.message));
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('an interrupted download leaves no half file and no snapshot; the next run resumes and completes', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tunebook-hub-'));
  try {
    const broken = fakeHub(repoFiles(), { breakFile: 'model-00002-of-00002.safetensors' });
    await assert.rejects(resolveSource(ID, { cacheDir: cache, fetch: broken.fetch, offline: false }), (e: unknown) => e instanceof HubError && /downloading model-00002-of-00002\.safetensors failed .*run again to resume/.test(e.message));
    const snapshot = snapshotDir(cache, ID, 'main');
    assert.ok(!existsSync(snapshot), 'no snapshot folder before the download completes');
    const partial = readdirSync(`${snapshot}.partial`);
    assert.ok(!partial.includes('model-00002-of-00002.safetensors') && !partial.some((f) => f.includes('.tmp-')), partial.join());
    assert.ok(partial.includes('model-00001-of-00002.safetensors'), 'whole files already fetched are kept');
    await assert.rejects(resolveSource(ID, { cacheDir: cache, offline: true, fetch: offlineFetch }), /offline mode is on/);

    const resumed = fakeHub(repoFiles());
    const dir = await resolveSource(ID, { cacheDir: cache, fetch: resumed.fetch, offline: false });
    assert.ok(!resumed.requests.some((r) => r.includes('model-00001-of-00002')), 'the finished shard is not fetched again');
    assert.equal((await readHfFolder(dir)).weights.size, 6);
    assert.ok(!existsSync(`${snapshot}.partial`));
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('repositories the engine cannot use give clear errors', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tunebook-hub-'));
  try {
    const noSafetensors = repoFiles();
    for (const f of Object.keys(noSafetensors)) if (f.includes('safetensors')) delete noSafetensors[f];
    await assert.rejects(resolveSource(ID, { cacheDir: cache, fetch: fakeHub(noSafetensors).fetch, offline: false }), /has no safetensors weights at revision "main" \(only pytorch_model\.bin\)/);
    const missingShard = repoFiles();
    delete missingShard['model-00002-of-00002.safetensors'];
    await assert.rejects(resolveSource(ID, { cacheDir: cache, fetch: fakeHub(missingShard).fetch, offline: false }), /names the shard model-00002-of-00002\.safetensors, which the repository does not have/);
    const noConfig = repoFiles();
    delete noConfig['config.json'];
    await assert.rejects(resolveSource(ID, { cacheDir: cache, fetch: fakeHub(noConfig).fetch, offline: false }), /has no config\.json/);
    await assert.rejects(resolveSource('acme/other', { cacheDir: cache, fetch: fakeHub(repoFiles()).fetch, offline: false }), (e: unknown) => e instanceof HubError && /cannot list the files .*Repository not found/.test(e.message));
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a stale incomplete snapshot folder without the marker is never used', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tunebook-hub-'));
  try {
    const snapshot = snapshotDir(cache, ID, 'main');
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(snapshot, 'config.json'), '{}');
    await assert.rejects(resolveSource(ID, { cacheDir: cache, offline: true, fetch: offlineFetch }), /not in the cache/);
    const dir = await resolveSource(ID, { cacheDir: cache, fetch: fakeHub(repoFiles()).fetch, offline: false });
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).model_type, 'gpt2');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
