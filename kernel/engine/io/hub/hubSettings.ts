// Where and how to reach the Hub, read from the environment variables huggingface_hub documents, at call time.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubSettings {
  /** Base URL of the Hub or a mirror, without a trailing slash (HF_ENDPOINT). */
  endpoint: string;
  /** Sent as `Authorization: Bearer`; undefined when none is configured. */
  token?: string;
  /** Where the token came from, for error messages ("HF_TOKEN", "/home/me/.cache/huggingface/token"). */
  tokenSource?: string;
  /** HF_HUB_OFFLINE: never make a request. */
  offline: boolean;
  /** The huggingface_hub cache root holding models--owner--name folders. */
  cacheDir: string;
}

export interface HubSettingsOverrides {
  endpoint?: string;
  token?: string;
  offline?: boolean;
  cacheDir?: string;
}

type Env = Record<string, string | undefined>;

export function hubSettings(overrides: HubSettingsOverrides = {}, env: Env = process.env): HubSettings {
  const token =
    overrides.token !== undefined ? { token: overrides.token, tokenSource: 'the token option' } : tokenFromEnv(env);
  return {
    endpoint: (overrides.endpoint ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''),
    ...token,
    offline: overrides.offline ?? isTrue(env.HF_HUB_OFFLINE),
    cacheDir: overrides.cacheDir ?? hubCacheDir(env),
  };
}

/** HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface. */
export function hfHome(env: Env = process.env): string {
  return nonEmpty(env.HF_HOME) ?? join(nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache'), 'huggingface');
}

/** HF_HUB_CACHE (or its older name HUGGINGFACE_HUB_CACHE), else $HF_HOME/hub. */
export function hubCacheDir(env: Env = process.env): string {
  return nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE) ?? join(hfHome(env), 'hub');
}

/** HF_TOKEN, its older name HUGGING_FACE_HUB_TOKEN, else the file `huggingface-cli login` writes. */
function tokenFromEnv(env: Env): { token?: string; tokenSource?: string } {
  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']) {
    const value = nonEmpty(env[name]?.trim());
    if (value !== undefined) return { token: value, tokenSource: name };
  }
  const path = nonEmpty(env.HF_TOKEN_PATH) ?? join(hfHome(env), 'token');
  try {
    const value = nonEmpty(readFileSync(path, 'utf8').trim());
    if (value !== undefined) return { token: value, tokenSource: path };
  } catch {
    // no token file: anonymous access
  }
  return {};
}

function isTrue(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
