// parseListing: the fields the client relies on, and a clear HubError (never another exception) for anything
// malformed, checked on hand-made cases and on every truncation and many random byte edits of a real listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listingUrl, parseListing, resolveUrl } from '../../../../../../kernel/engine/io/hub/hubListing';
import { HubError } from '../../../../../../kernel/engine/io/hubError';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const LFS = 'f'.repeat(64);
const GOOD = JSON.stringify({
  id: 'acme/m',
  sha: SHA,
  siblings: [
    { rfilename: 'config.json', size: 10, blobId: 'a'.repeat(40) },
    {
      rfilename: 'model.safetensors',
      size: 134,
      blobId: 'b'.repeat(40),
      lfs: { sha256: LFS, size: 5000, pointerSize: 134 },
    },
    { rfilename: 'README.md' },
  ],
});

test('a listing gives the commit, sizes (the LFS size, not the pointer size) and blob names', () => {
  const listing = parseListing('acme/m', 'u', GOOD);
  assert.equal(listing.commit, SHA);
  assert.deepEqual(listing.files.get('config.json'), {
    path: 'config.json',
    size: 10,
    etag: 'a'.repeat(40),
    sha256: undefined,
    gitBlobId: 'a'.repeat(40),
  });
  assert.deepEqual(listing.files.get('model.safetensors'), {
    path: 'model.safetensors',
    size: 5000,
    etag: LFS,
    sha256: LFS,
  });
  assert.deepEqual(listing.files.get('README.md'), {
    path: 'README.md',
    size: undefined,
    etag: undefined,
    sha256: undefined,
  });
});

test('URLs: revision escaped as one segment, file path segments escaped', () => {
  assert.equal(
    listingUrl('https://h', 'a/b', 'refs/pr/1'),
    'https://h/api/models/a/b/revision/refs%2Fpr%2F1?blobs=true',
  );
  assert.equal(
    resolveUrl('https://h', 'a/b', SHA, 'sub dir/x#1.json'),
    `https://h/a/b/resolve/${SHA}/sub%20dir/x%231.json`,
  );
});

test('malformed listings: a HubError of kind bad-response that says what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /is not valid JSON/],
    ['[]', /is not a JSON object/],
    ['null', /is not a JSON object/],
    [JSON.stringify({ siblings: [] }), /has no commit hash in "sha"/],
    [JSON.stringify({ sha: 'main', siblings: [] }), /has no commit hash in "sha" \(got "main"\)/],
    [JSON.stringify({ sha: SHA }), /has no "siblings" array/],
    [JSON.stringify({ sha: SHA, siblings: [{ size: 1 }] }), /without a usable "rfilename" at siblings\[0\]/],
    [JSON.stringify({ sha: SHA, siblings: [{ rfilename: '../etc/passwd' }] }), /without a usable "rfilename"/],
    [JSON.stringify({ sha: SHA, siblings: [{ rfilename: 'a', size: -1 }] }), /gives a the size -1/],
    [JSON.stringify({ sha: SHA, siblings: [{ rfilename: 'a', size: '12' }] }), /gives a the size "12"/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parseListing('acme/m', 'https://h/api', text),
      (e: unknown) =>
        e instanceof HubError &&
        e.kind === 'bad-response' &&
        pattern.test(e.message) &&
        /https:\/\/h\/api/.test(e.message),
      text,
    );
  }
});

test('fuzz: truncations and random edits of a listing either parse or give a HubError', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const inputs: string[] = [];
  for (let n = 0; n < GOOD.length; n++) inputs.push(GOOD.slice(0, n));
  const alphabet = '{}[]":,0123456789abcdef-/.nultrue ';
  for (let i = 0; i < 3000; i++) {
    const chars = [...GOOD];
    for (let k = 1 + Math.floor(random() * 4); k > 0; k--)
      chars[Math.floor(random() * chars.length)] = alphabet[Math.floor(random() * alphabet.length)];
    inputs.push(chars.join(''));
  }
  let parsed = 0;
  for (const text of inputs) {
    try {
      const listing = parseListing('acme/m', 'u', text);
      parsed++;
      for (const file of listing.files.values()) {
        assert.ok(file.size === undefined || (Number.isSafeInteger(file.size) && file.size >= 0));
        assert.ok(!file.path.split('/').includes('..'));
      }
    } catch (e) {
      assert.ok(e instanceof HubError && e.kind === 'bad-response', `${String(e)} for ${text}`);
    }
  }
  assert.ok(parsed > 0 && parsed < inputs.length, `${parsed} of ${inputs.length} parsed`);
});
