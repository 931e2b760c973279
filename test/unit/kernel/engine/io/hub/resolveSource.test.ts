// resolveSource against the loopback fake Hub: HF_ENDPOINT, the token, offline mode, the huggingface_hub cache
// layout (read and written), progress, resume after a dropped connection, and the error messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSource } from '../../../../../../kernel/engine/io/hub/resolveSource';
import type { DownloadProgress } from '../../../../../../kernel/engine/io/hub/downloadProgress';
import { HubError, type HubErrorKind } from '../../../../../../kernel/engine/io/hubError';
import { readHfFolder } from '../../../../../../kernel/engine/io/hfFolder';
import { FakeHub, etagOf, sha256Hex } from './fakeHub';
import {
  COMMIT,
  GPT2_DIR,
  ID,
  MODEL_FILES,
  OLD_COMMIT,
  SHARDED_DIR,
  folderFiles,
  gpt2Repo,
  noFetch,
  withHfEnv,
  writePythonCache,
} from './hubTestKit';

let hub: FakeHub;
const REPO = gpt2Repo();
const FAST = { retryDelayMs: 5, timeoutMs: 5_000 };

before(async () => {
  hub = await FakeHub.start(
    [
      REPO,
      { id: 'acme/private', refs: { main: 'c'.repeat(40) }, files: REPO.files, private: true },
      { id: 'acme/gated', refs: { main: 'd'.repeat(40) }, files: REPO.files, gated: { acceptedToken: 'hf_accepted' } },
      {
        id: 'acme/sharded',
        refs: { main: 'e'.repeat(40) },
        files: { ...folderFiles(SHARDED_DIR), 'pytorch_model.bin': new Uint8Array(9) },
      },
    ],
    { token: 'hf_secret' },
  );
});
after(() => hub.close());

function reset(): void {
  hub.requests.length = 0;
  hub.faults.length = 0;
}

/** The N of a "bytes=N-" Range header; 0 without one. */
function rangeStart(range: string | undefined): number {
  if (range === undefined) return 0;
  const match = /^bytes=(\d+)-$/.exec(range);
  assert.ok(match, `a Range header of the form bytes=N-, got ${range}`);
  return Number(match[1]);
}

function isHubError(kind: HubErrorKind, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof HubError, `expected a HubError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('HF_ENDPOINT: downloads the needed files into the huggingface_hub layout, as Python writes it', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = `${hub.url}/`; // a trailing slash is tolerated
    const dir = await resolveSource(ID, FAST);
    const repoDir = join(home, 'hub', 'models--acme--tiny-gpt2');
    assert.equal(dir, join(repoDir, 'snapshots', COMMIT));
    assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), COMMIT, 'refs/main holds the commit, no newline');
    assert.deepEqual(readdirSync(dir).sort(), MODEL_FILES);
    for (const file of MODEL_FILES) {
      const etag = etagOf(file, REPO.files[file]);
      assert.equal(readlinkSync(join(dir, file)), `../../blobs/${etag}`, `${file} is a relative symlink to its blob`);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, file))), REPO.files[file], file);
    }
    assert.equal(
      etagOf('model.safetensors', REPO.files['model.safetensors']),
      sha256Hex(REPO.files['model.safetensors']),
      'LFS blobs are named by sha256',
    );
    assert.ok(!readdirSync(join(repoDir, 'blobs')).some((f) => f.endsWith('.incomplete')));
    for (const unneeded of ['README.md', 'pytorch_model.bin', '.gitattributes'])
      assert.equal(hub.requestsFor(unneeded).length, 0, `${unneeded} not requested`);
    assert.ok(
      hub.requests.every((r) => r.authorization === undefined),
      'no token configured: none sent',
    );
    assert.equal((await readHfFolder(dir)).config.model_type, 'gpt2');

    // Second time: from the cache, with no request at all (online or offline).
    const count = hub.requests.length;
    assert.equal(await resolveSource(ID, { ...FAST, fetch: noFetch }), dir);
    process.env.HF_HUB_OFFLINE = '1';
    assert.equal(await resolveSource(ID, { fetch: noFetch }), dir);
    assert.equal(hub.requests.length, count);
  }));

test('another revision with the same files: one listing, no download, its own snapshot and ref', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    await resolveSource(ID, FAST);
    reset();
    const dir = await resolveSource(ID, { ...FAST, revision: 'v1.0' });
    const repoDir = join(home, 'hub', 'models--acme--tiny-gpt2');
    assert.equal(dir, join(repoDir, 'snapshots', OLD_COMMIT));
    assert.equal(readFileSync(join(repoDir, 'refs', 'v1.0'), 'utf8'), OLD_COMMIT);
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      ['/api/models/acme/tiny-gpt2/revision/v1.0?blobs=true'],
      'blobs are shared between revisions',
    );
    assert.deepEqual(readdirSync(dir).sort(), MODEL_FILES);
  }));

test('a cache written by Python is used as is, without any request', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    const files = Object.fromEntries(MODEL_FILES.map((f) => [f, REPO.files[f]]));
    const snapshot = writePythonCache(join(home, 'hub'), ID, COMMIT, files);
    assert.equal(await resolveSource(ID), snapshot);
    assert.equal(await resolveSource(ID, { revision: COMMIT }), snapshot, 'a commit hash needs no ref');
    // HF_HUB_CACHE wins over HF_HOME.
    const other = join(home, 'elsewhere');
    const snapshot2 = writePythonCache(other, ID, OLD_COMMIT, files, 'v1.0');
    process.env.HF_HUB_CACHE = other;
    assert.equal(await resolveSource(ID, { revision: 'v1.0' }), snapshot2);
    assert.equal(hub.requests.length, 0, 'the fake Hub saw no request');
    const model = await readHfFolder(snapshot);
    assert.equal(model.weights.size > 0, true);
  }));

test('a Python cache without the weights is completed from the Hub, reusing the blobs it has', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    writePythonCache(join(home, 'hub'), ID, COMMIT, {
      'config.json': REPO.files['config.json'],
      'tokenizer.json': REPO.files['tokenizer.json'],
    });
    const dir = await resolveSource(ID, FAST);
    assert.equal(hub.requestsFor('/config.json').length, 0, 'the cached config is not downloaded again');
    assert.equal(hub.requestsFor('/tokenizer.json').length, 0, 'nor the cached tokenizer');
    assert.equal(hub.requestsFor('/cdn/').length, 1, 'the weights are');
    assert.deepEqual(readdirSync(dir).sort(), MODEL_FILES);
    // config.json + weights make a usable snapshot (what from_pretrained leaves): used without a request.
    reset();
    const partial = join(home, 'partial');
    const snapshot = writePythonCache(partial, ID, COMMIT, {
      'config.json': REPO.files['config.json'],
      'model.safetensors': REPO.files['model.safetensors'],
    });
    assert.equal(await resolveSource(ID, { cacheDir: partial }), snapshot);
    assert.equal(hub.requests.length, 0);
  }));

test('offline: never a request; a missing or incomplete snapshot names what is missing', () =>
  withHfEnv({ HF_HUB_OFFLINE: '1' }, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    await assert.rejects(
      resolveSource(ID),
      isHubError(
        'offline',
        /offline mode is on .*revision "main" is not complete in the cache .*missing no refs\/main/,
      ),
    );
    writePythonCache(join(home, 'hub'), ID, COMMIT, {
      'config.json': REPO.files['config.json'],
      'tokenizer.json': REPO.files['tokenizer.json'],
    });
    await assert.rejects(
      resolveSource(ID),
      isHubError('offline', /missing model\.safetensors or model\.safetensors\.index\.json \(in .*snapshots\/a{8}/),
    );
    // A snapshot whose blob was deleted (dangling symlink) is incomplete too.
    const sharded = folderFiles(SHARDED_DIR);
    const snap = writePythonCache(join(home, 'hub'), 'acme/sharded', 'e'.repeat(40), {
      ...sharded,
      'model-00002-of-00002.safetensors': new Uint8Array(0),
    });
    writeFileSync(join(snap, '..', '..', 'refs', 'main'), 'e'.repeat(40));
    const { rmSync } = await import('node:fs');
    rmSync(join(snap, 'model-00002-of-00002.safetensors'));
    await assert.rejects(
      resolveSource('acme/sharded'),
      isHubError('offline', /missing model-00002-of-00002\.safetensors/),
    );
    assert.equal(hub.requests.length, 0);
    // The option wins over the variable.
    await assert.rejects(
      resolveSource('acme/none', { offline: true, fetch: noFetch }),
      isHubError('offline', /offline mode is on/),
    );
  }));

test('the token: HF_TOKEN, then the token file, sent as Authorization: Bearer', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    await assert.rejects(
      resolveSource('acme/private', FAST),
      isHubError(
        'unauthorized',
        /needs authentication .*HTTP 401.*private or gated.*set HF_TOKEN .*hf auth login.*huggingface-cli login.*\$HF_HOME\/token/,
      ),
    );
    process.env.HF_TOKEN = 'hf_wrong';
    await assert.rejects(
      resolveSource('acme/private', FAST),
      isHubError('unauthorized', /refused the token from HF_TOKEN .*HTTP 401/),
    );
    assert.ok(hub.requests.at(-1)!.authorization === 'Bearer hf_wrong');

    process.env.HF_TOKEN = 'hf_secret';
    reset();
    const dir = await resolveSource('acme/private', FAST);
    assert.ok(existsSync(join(dir, 'model.safetensors')));
    const authed = hub.requests.filter((r) => !r.path.startsWith('/cdn/'));
    assert.ok(
      authed.length >= 2 && authed.every((r) => r.authorization === 'Bearer hf_secret'),
      'every Hub request carries the token',
    );

    // `huggingface-cli login` writes $HF_HOME/token; used when HF_TOKEN is unset.
    delete process.env.HF_TOKEN;
    writeFileSync(join(home, 'token'), 'hf_accepted\n');
    reset();
    await resolveSource('acme/gated', FAST);
    assert.ok(hub.requests.every((r) => r.path.startsWith('/cdn/') || r.authorization === 'Bearer hf_accepted'));
  }));

test('the token is not sent to another host the Hub redirects a download to', async () => {
  const cdn = await FakeHub.start([gpt2Repo()]);
  const origin = await FakeHub.start([gpt2Repo({ private: true })], { token: 'hf_secret', cdnUrl: cdn.url });
  try {
    await withHfEnv({ HF_ENDPOINT: origin.url, HF_TOKEN: 'hf_secret' }, async () => {
      const dir = await resolveSource(ID, FAST);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), REPO.files['model.safetensors']);
      assert.ok(origin.requests.length > 0 && origin.requests.every((r) => r.authorization === 'Bearer hf_secret'));
      assert.equal(cdn.requests.length, 1, 'the weights came from the other host');
      assert.equal(cdn.requests[0].authorization, undefined, 'no token for the other host');
    });
  } finally {
    await Promise.all([cdn.close(), origin.close()]);
  }
});

test('a gated model says to accept its conditions and set HF_TOKEN', () =>
  withHfEnv({}, async () => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    await assert.rejects(
      resolveSource('acme/gated', FAST),
      isHubError(
        'unauthorized',
        /is a gated model \(HTTP 401.*accept its conditions on http:\/\/127\.0\.0\.1:\d+\/acme\/gated .*set HF_TOKEN/,
      ),
    );
    process.env.HF_TOKEN = 'hf_other';
    await assert.rejects(
      resolveSource('acme/gated', FAST),
      isHubError('unauthorized', /is a gated model \(HTTP 403.*the token from HF_TOKEN has no access yet/),
    );
  }));

test('404: missing repository, revision and file each say which', () =>
  withHfEnv({ HF_TOKEN: 'hf_secret' }, async () => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    await assert.rejects(
      resolveSource('acme/nope', FAST),
      isHubError('repo-not-found', /no such model repository on http:\/\/127\.0\.0\.1.*HTTP 404.*check the id/),
    );
    await assert.rejects(
      resolveSource(ID, { ...FAST, revision: 'v9' }),
      isHubError('revision-not-found', /revision "v9" does not exist \(no such branch, tag or commit/),
    );
    hub.faults.push({
      kind: 'status',
      where: 'resolve',
      file: 'tokenizer.json',
      status: 404,
      errorCode: 'EntryNotFound',
      times: 1,
    });
    await assert.rejects(
      resolveSource(ID, FAST),
      isHubError('file-not-found', /has no file tokenizer\.json at revision "main"/),
    );
    // Without a token the Hub answers 401 for a missing repository too: the message covers both.
    delete process.env.HF_TOKEN;
    await assert.rejects(
      resolveSource('acme/nope', FAST),
      isHubError('unauthorized', /private or gated, or does not exist/),
    );
  }));

test('5xx: retried with backoff, then success; or a clear error after the bounded attempts', () =>
  withHfEnv({}, async () => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    hub.faults.push({ kind: 'status', where: 'listing', status: 503, times: 2 });
    hub.faults.push({ kind: 'status', where: 'resolve', file: 'config.json', status: 502, times: 1 });
    const dir = await resolveSource(ID, FAST);
    assert.ok(existsSync(join(dir, 'config.json')));
    assert.equal(hub.requestsFor('/api/models/').length, 3, 'two 503 answers, then the listing');
    assert.equal(hub.requestsFor('resolve/' + COMMIT + '/config.json').length, 2);

    reset();
    hub.faults.push({ kind: 'status', where: 'listing', status: 500, times: 10 });
    await assert.rejects(
      resolveSource('acme/sharded', FAST),
      isHubError(
        'server',
        /failed on the file listing of revision "main" \(HTTP 500.*try again later, or set HF_ENDPOINT to a mirror \(after 3 attempts\)/,
      ),
    );
    assert.equal(hub.requests.length, 3, 'bounded: 3 attempts');

    reset();
    hub.faults.push({ kind: 'status', where: 'listing', status: 429, times: 3 });
    await assert.rejects(
      resolveSource('acme/sharded', FAST),
      isHubError(
        'server',
        /is rate-limiting requests .*HTTP 429.*wait a minute .*HF_TOKEN set get a higher limit \(after 3 attempts\)/,
      ),
    );
    hub.faults.push({ kind: 'status', where: 'listing', status: 429, times: 1 });
    assert.ok(existsSync(await resolveSource('acme/sharded', FAST)), 'one 429, then success');
  }));

test('no network: the error names the endpoint and suggests HF_ENDPOINT and HF_HUB_OFFLINE', () =>
  withHfEnv({}, async (home) => {
    const closed = await FakeHub.start([]);
    const url = closed.url;
    await closed.close();
    process.env.HF_ENDPOINT = url;
    await assert.rejects(
      resolveSource(ID, { ...FAST, attempts: 2 }),
      isHubError(
        'network',
        /cannot reach http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED.*2 attempts.*HF_ENDPOINT to a mirror.*HF_HUB_OFFLINE=1 \(cache only\) will not help yet/,
      ),
    );
    // With another commit complete in the cache, the hint says how to use it offline.
    writePythonCache(
      join(home, 'hub'),
      ID,
      OLD_COMMIT,
      Object.fromEntries(MODEL_FILES.map((f) => [f, REPO.files[f]])),
      'v1.0',
    );
    await assert.rejects(
      resolveSource(ID, { ...FAST, attempts: 1 }),
      isHubError(
        'network',
        new RegExp(
          `Commit ${OLD_COMMIT} of this model is complete in the cache: with HF_HUB_OFFLINE=1, load it with \\{ revision: "${OLD_COMMIT}" \\}`,
        ),
      ),
    );
  }));

test('progress: monotonic bytes and files, ending at the totals', async () => {
  const slow = await FakeHub.start([gpt2Repo()], { pieceDelayMs: 5 });
  try {
    await withHfEnv({ HF_ENDPOINT: slow.url }, async () => {
      const events: DownloadProgress[] = [];
      await resolveSource(ID, { ...FAST, onProgress: (p) => events.push({ ...p }) });
      const total = MODEL_FILES.reduce((sum, f) => sum + REPO.files[f].length, 0);
      assert.ok(events.length > MODEL_FILES.length, `several updates per file (${events.length})`);
      for (let i = 1; i < events.length; i++) {
        assert.ok(events[i].bytes >= events[i - 1].bytes, `bytes monotonic at ${i}`);
        assert.ok(events[i].filesDone >= events[i - 1].filesDone, `filesDone monotonic at ${i}`);
      }
      for (const e of events) {
        assert.equal(e.total, total);
        assert.equal(e.files, MODEL_FILES.length);
        assert.ok(e.fileBytes <= e.fileTotal && e.bytes <= e.total);
      }
      const weights = events.filter(
        (e) => e.file === 'model.safetensors' && e.fileBytes > 0 && e.fileBytes < e.fileTotal,
      );
      assert.ok(weights.length >= 1, 'the 145 kB weights, sent in 16 kB pieces, report partial progress');
      assert.deepEqual(events.at(-1), { ...events.at(-1)!, bytes: total, filesDone: MODEL_FILES.length });
    });
  } finally {
    await slow.close();
  }
});

test('resume: a dropped connection continues with Range, the file is byte-identical', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    const weights = REPO.files['model.safetensors'];
    const sha = sha256Hex(weights);
    hub.faults.push({ kind: 'drop', file: 'model.safetensors', afterBytes: 50_000, times: 1 });
    const events: DownloadProgress[] = [];
    const dir = await resolveSource(ID, { ...FAST, onProgress: (p) => events.push({ ...p }) });
    const cdn = hub.requestsFor(`/cdn/${sha}`);
    assert.equal(cdn.length, 2, 'the dropped request, then one continuation');
    assert.equal(cdn[0].range, undefined);
    const resumedAt = rangeStart(cdn[1].range);
    assert.ok(resumedAt > 0 && resumedAt <= 50_000, `continued at byte ${resumedAt}, where the dropped body stopped`);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), weights);
    for (let i = 1; i < events.length; i++)
      assert.ok(events[i].bytes >= events[i - 1].bytes, 'progress stays monotonic across the resume');

    // Dropped on every attempt: the load fails, the partial blob is kept; the next load continues it.
    const cache = join(home, 'other-cache');
    reset();
    hub.faults.push({ kind: 'drop', file: 'model.safetensors', afterBytes: 30_000, times: 3 });
    const failure = await resolveSource(ID, { ...FAST, cacheDir: cache }).then(
      () => assert.fail('three drops must fail the load'),
      (e: unknown) => e,
    );
    assert.ok(
      isHubError(
        'network',
        /model\.safetensors .*the connection dropped 3 times.*of 144808 bytes are kept in .*\.incomplete.*next load continues/,
      )(failure),
    );
    const incomplete = join(cache, 'models--acme--tiny-gpt2', 'blobs', `${sha}.incomplete`);
    const kept = statSync(incomplete).size;
    assert.match((failure as Error).message, new RegExp(`${kept} of 144808 bytes are kept`));
    // Each attempt continued where the last one stopped (30 kB more each time, as far as the client read them).
    const starts = hub.requestsFor(`/cdn/${sha}`).map((r) => rangeStart(r.range));
    assert.equal(starts.length, 3);
    assert.ok(
      starts[0] === 0 && starts[1] > 0 && starts[2] > starts[1] && kept > starts[2] && kept <= 90_000,
      `${starts} then ${kept}`,
    );
    assert.equal(
      readFileSync(join(cache, 'models--acme--tiny-gpt2', 'refs', 'main'), 'utf8'),
      COMMIT,
      'the ref is written first, like Python',
    );
    await assert.rejects(
      resolveSource(ID, { cacheDir: cache, offline: true }),
      isHubError('offline', /missing model\.safetensors or model\.safetensors\.index\.json \(in .*snapshots\/a{8}/),
    );
    reset();
    const dir2 = await resolveSource(ID, { ...FAST, cacheDir: cache });
    assert.deepEqual(
      hub.requestsFor(`/cdn/${sha}`).map((r) => r.range),
      [`bytes=${kept}-`],
    );
    assert.deepEqual(new Uint8Array(readFileSync(join(dir2, 'model.safetensors'))), weights);
    assert.ok(!existsSync(incomplete));
  }));

test('a server that ignores Range answers 200: the file starts over and is still byte-identical', async () => {
  const plain = await FakeHub.start([gpt2Repo()], { ignoreRange: true });
  try {
    await withHfEnv({ HF_ENDPOINT: plain.url }, async () => {
      plain.faults.push({ kind: 'drop', file: 'model.safetensors', afterBytes: 40_000, times: 1 });
      const dir = await resolveSource(ID, FAST);
      assert.ok(rangeStart(plain.requestsFor('/cdn/').at(-1)!.range) > 0, 'the client asked to continue');
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), REPO.files['model.safetensors']);
    });
  } finally {
    await plain.close();
  }
});

test('a corrupted download fails its sha256 (LFS) or git blob id check and is not kept', () =>
  withHfEnv({}, async (home) => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    hub.faults.push({ kind: 'corrupt', file: 'model.safetensors', times: 1 });
    await assert.rejects(
      resolveSource(ID, FAST),
      isHubError('integrity', /model\.safetensors has sha256 [0-9a-f]{64}, the Hub lists [0-9a-f]{64}/),
    );
    const blobs = readdirSync(join(home, 'hub', 'models--acme--tiny-gpt2', 'blobs'));
    assert.ok(
      !blobs.includes(sha256Hex(REPO.files['model.safetensors'])) && !blobs.some((b) => b.endsWith('.incomplete')),
      blobs.join(),
    );
    const dir = await resolveSource(ID, FAST);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), REPO.files['model.safetensors']);
    // A file stored in git (not LFS) is checked against the git blob id of the listing.
    hub.faults.push({ kind: 'corrupt', file: 'tokenizer.json', times: 1 });
    await assert.rejects(
      resolveSource(ID, { ...FAST, cacheDir: join(home, 'c2') }),
      isHubError('integrity', /tokenizer\.json has git blob id [0-9a-f]{40}, the Hub lists [0-9a-f]{40}/),
    );
  }));

test('a listing without sizes and blob ids: each file is asked with HEAD (redirects not followed)', async () => {
  const mirror = await FakeHub.start([gpt2Repo()], { listingWithoutBlobs: true });
  try {
    await withHfEnv({ HF_ENDPOINT: mirror.url }, async (home) => {
      const dir = await resolveSource(ID, FAST);
      assert.equal(mirror.requests.filter((r) => r.method === 'HEAD').length, MODEL_FILES.length);
      const weightsHead = mirror.requests.find((r) => r.method === 'HEAD' && r.path.endsWith('model.safetensors'))!;
      assert.ok(weightsHead, 'HEAD for the weights');
      assert.equal(
        mirror.requests.filter((r) => r.method === 'HEAD' && r.path.startsWith('/cdn/')).length,
        0,
        'the HEAD read X-Linked-Etag from the redirect',
      );
      assert.equal(
        readlinkSync(join(dir, 'model.safetensors')),
        `../../blobs/${sha256Hex(REPO.files['model.safetensors'])}`,
      );
      assert.ok(
        existsSync(
          join(home, 'hub', 'models--acme--tiny-gpt2', 'blobs', etagOf('config.json', REPO.files['config.json'])),
        ),
      );
    });
  } finally {
    await mirror.close();
  }
});

test('a sharded repository: the index, then every shard it names', () =>
  withHfEnv({}, async () => {
    reset();
    process.env.HF_ENDPOINT = hub.url;
    const dir = await resolveSource('acme/sharded', FAST);
    const expected = readdirSync(SHARDED_DIR).sort();
    assert.deepEqual(readdirSync(dir).sort(), expected);
    for (const f of expected) assert.deepEqual(readFileSync(join(dir, f)), readFileSync(join(SHARDED_DIR, f)), f);
    assert.equal(hub.requestsFor('pytorch_model.bin').length, 0);
    assert.equal((await readHfFolder(dir)).weights.size, 6);
  }));

test('repositories the engine cannot use, and malformed listings, give clear errors', async () => {
  const withoutSafetensors = gpt2Repo({ id: 'acme/bin-only' });
  delete withoutSafetensors.files['model.safetensors'];
  const withoutConfig = gpt2Repo({ id: 'acme/no-config' });
  delete withoutConfig.files['config.json'];
  const missingShard = {
    id: 'acme/missing-shard',
    refs: { main: 'f'.repeat(40) },
    files: folderFiles(SHARDED_DIR, ['model-00002-of-00002.safetensors']),
  };
  const odd = await FakeHub.start([withoutSafetensors, withoutConfig, missingShard]);
  const broken = await FakeHub.start([gpt2Repo()], { listingBody: '{"sha": "' + COMMIT + '", "siblings": [{"rfilen' });
  const html = await FakeHub.start([gpt2Repo()], { listingBody: '<html>proxy login</html>' });
  try {
    await withHfEnv({ HF_ENDPOINT: odd.url }, async () => {
      await assert.rejects(
        resolveSource('acme/bin-only', FAST),
        isHubError('unsupported', /has no safetensors weights at revision "main" \(only pytorch_model\.bin\)/),
      );
      await assert.rejects(
        resolveSource('acme/no-config', FAST),
        isHubError('unsupported', /has no config\.json at revision "main": not a transformers model/),
      );
      await assert.rejects(
        resolveSource('acme/missing-shard', FAST),
        isHubError(
          'unsupported',
          /names the shard model-00002-of-00002\.safetensors, which the repository does not have/,
        ),
      );
    });
    await withHfEnv({ HF_ENDPOINT: broken.url }, async () => {
      await assert.rejects(
        resolveSource(ID, FAST),
        isHubError(
          'bad-response',
          /the file listing from http:\/\/127\.0\.0\.1:\d+\/api\/models\/acme\/tiny-gpt2\/revision\/main\?blobs=true is not valid JSON/,
        ),
      );
    });
    await withHfEnv({ HF_ENDPOINT: html.url }, async () => {
      await assert.rejects(
        resolveSource(ID, FAST),
        isHubError(
          'bad-response',
          /is not valid JSON .*it starts "<html>proxy login.*is HF_ENDPOINT a Hugging Face Hub/,
        ),
      );
    });
  } finally {
    await Promise.all([odd.close(), broken.close(), html.close()]);
  }
});

test('local folders pass through; invalid sources are refused before any request', async () => {
  assert.equal(await resolveSource(GPT2_DIR, { fetch: noFetch }), GPT2_DIR);
  await assert.rejects(
    resolveSource('./no/such/folder', { fetch: noFetch }),
    isHubError('source', /local folder .* does not exist/),
  );
  await assert.rejects(
    resolveSource(join(GPT2_DIR, 'config.json'), { fetch: noFetch }),
    isHubError('source', /is a file/),
  );
  await assert.rejects(
    resolveSource('not a valid id!', { fetch: noFetch }),
    isHubError('source', /neither an existing local folder nor a Hugging Face Hub id/),
  );
  await assert.rejects(
    resolveSource(ID, { fetch: noFetch, revision: '../x' }),
    isHubError('source', /revision "\.\.\/x" is not a branch, tag or commit name/),
  );
});
