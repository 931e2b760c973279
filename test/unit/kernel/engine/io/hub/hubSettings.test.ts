// The environment variables huggingface_hub documents, in its order of precedence, read at call time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ENDPOINT, hubCacheDir, hubSettings } from '../../../../../../kernel/engine/io/hub/hubSettings';

test('defaults: huggingface.co, ~/.cache/huggingface/hub, online, no token', () => {
  const home = mkdtempSync(join(tmpdir(), 'tunebook-hfhome-'));
  try {
    // HF_HOME points at an empty folder so a real token file of this machine cannot leak in.
    const s = hubSettings({}, { HF_HOME: home });
    assert.equal(s.endpoint, DEFAULT_ENDPOINT);
    assert.equal(s.cacheDir, join(home, 'hub'));
    assert.equal(s.offline, false);
    assert.equal(s.token, undefined);
    assert.equal(hubCacheDir({}), join(homedir(), '.cache', 'huggingface', 'hub'));
    assert.equal(hubCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'huggingface', 'hub'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('HF_ENDPOINT (trailing slashes dropped), HF_HUB_OFFLINE values, cache precedence', () => {
  assert.equal(
    hubSettings({}, { HF_ENDPOINT: 'https://hf-mirror.com//', HF_HOME: '/nonexistent' }).endpoint,
    'https://hf-mirror.com',
  );
  for (const value of ['1', 'true', 'YES', 'on'])
    assert.equal(hubSettings({}, { HF_HUB_OFFLINE: value, HF_HOME: '/nonexistent' }).offline, true, value);
  for (const value of ['0', 'false', '', 'no'])
    assert.equal(hubSettings({}, { HF_HUB_OFFLINE: value, HF_HOME: '/nonexistent' }).offline, false, value);
  assert.equal(hubSettings({}, { HF_HUB_CACHE: '/a', HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c' }).cacheDir, '/a');
  assert.equal(hubSettings({}, { HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c' }).cacheDir, '/b');
  assert.equal(hubSettings({}, { HF_HOME: '/c', XDG_CACHE_HOME: '/x' }).cacheDir, join('/c', 'hub'));
  // Options win over the environment.
  const s = hubSettings(
    { endpoint: 'http://127.0.0.1:9', offline: false, cacheDir: '/opt', token: 't' },
    { HF_ENDPOINT: 'https://x', HF_HUB_OFFLINE: '1', HF_HUB_CACHE: '/a', HF_TOKEN: 'env' },
  );
  assert.deepEqual(s, {
    endpoint: 'http://127.0.0.1:9',
    offline: false,
    cacheDir: '/opt',
    token: 't',
    tokenSource: 'the token option',
  });
});

test('token: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then HF_TOKEN_PATH or $HF_HOME/token', () => {
  const home = mkdtempSync(join(tmpdir(), 'tunebook-hfhome-'));
  try {
    writeFileSync(join(home, 'token'), '  hf_file \n');
    writeFileSync(join(home, 'other-token'), 'hf_path\n');
    assert.deepEqual(pick(hubSettings({}, { HF_HOME: home, HF_TOKEN: 'hf_env', HUGGING_FACE_HUB_TOKEN: 'hf_old' })), [
      'hf_env',
      'HF_TOKEN',
    ]);
    assert.deepEqual(pick(hubSettings({}, { HF_HOME: home, HUGGING_FACE_HUB_TOKEN: 'hf_old' })), [
      'hf_old',
      'HUGGING_FACE_HUB_TOKEN',
    ]);
    assert.deepEqual(pick(hubSettings({}, { HF_HOME: home })), ['hf_file', join(home, 'token')]);
    assert.deepEqual(pick(hubSettings({}, { HF_HOME: home, HF_TOKEN_PATH: join(home, 'other-token') })), [
      'hf_path',
      join(home, 'other-token'),
    ]);
    assert.deepEqual(
      pick(hubSettings({}, { HF_HOME: home, HF_TOKEN: '' })),
      ['hf_file', join(home, 'token')],
      'an empty HF_TOKEN is unset',
    );
    writeFileSync(join(home, 'token'), '\n');
    assert.deepEqual(
      pick(hubSettings({}, { HF_HOME: home })),
      [undefined, undefined],
      'an empty token file is no token',
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

function pick(s: { token?: string; tokenSource?: string }): [string | undefined, string | undefined] {
  return [s.token, s.tokenSource];
}
