// Turns a Hub answer that is not a success into a HubError that says what to do. The Hub names the cause in the
// X-Error-Code header (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) and X-Error-Message.
import { HubError } from '../hubError';
import type { HubSettings } from './hubSettings';

export interface RequestContext {
  id: string;
  revision: string;
  /** The repository file being fetched; undefined for the file listing. */
  file?: string;
  settings: HubSettings;
}

const LOGIN_HINT =
  'set HF_TOKEN to an access token that can read it (or run `hf auth login` / `huggingface-cli login`, which write $HF_HOME/token)';

export async function errorForResponse(response: Response, context: RequestContext): Promise<HubError> {
  const code = response.headers.get('x-error-code') ?? '';
  const detail = (response.headers.get('x-error-message') ?? (await bodyMessage(response))).slice(0, 300);
  const status = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
  const { id, revision, file, settings } = context;
  const where = file === undefined ? `the file listing of revision "${revision}"` : `${file} at revision "${revision}"`;

  if (code === 'GatedRepo') {
    const access =
      settings.token === undefined
        ? `then ${LOGIN_HINT}`
        : `then retry (the token from ${settings.tokenSource} has no access yet)`;
    return new HubError(
      id,
      `is a gated model (${status}): accept its conditions on ${settings.endpoint}/${id} while logged in, ${access}`,
      'unauthorized',
    );
  }
  if (response.status === 401 || response.status === 403) {
    if (settings.token === undefined) {
      return new HubError(
        id,
        `needs authentication for ${where} (${status}): the repository is private or gated, or does not exist; ${LOGIN_HINT}`,
        'unauthorized',
      );
    }
    return new HubError(
      id,
      `the Hub refused the token from ${settings.tokenSource} for ${where} (${status}): it is invalid or expired, or its account cannot read this private or gated repository; set HF_TOKEN to a token that can`,
      'unauthorized',
    );
  }
  if (response.status === 404) {
    if (code === 'RevisionNotFound')
      return new HubError(
        id,
        `revision "${revision}" does not exist (no such branch, tag or commit; ${status})`,
        'revision-not-found',
      );
    if (code === 'EntryNotFound' || (file !== undefined && code !== 'RepoNotFound')) {
      return new HubError(
        id,
        `has no file ${file ?? '(unknown)'} at revision "${revision}" (${status})`,
        'file-not-found',
      );
    }
    return new HubError(
      id,
      `no such model repository on ${settings.endpoint} (${status}); check the id (e.g. "openai-community/gpt2")`,
      'repo-not-found',
    );
  }
  if (response.status === 429) {
    const token = settings.token === undefined ? '; requests with HF_TOKEN set get a higher limit' : '';
    return new HubError(
      id,
      `${settings.endpoint} is rate-limiting requests for ${where} (${status}); wait a minute and try again${token}`,
      'server',
    );
  }
  if (response.status >= 500) {
    return new HubError(
      id,
      `the Hub at ${settings.endpoint} failed on ${where} (${status}); try again later, or set HF_ENDPOINT to a mirror`,
      'server',
    );
  }
  return new HubError(id, `unexpected answer from ${settings.endpoint} for ${where} (${status})`, 'bad-response');
}

async function bodyMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string') return error;
  } catch {
    // not JSON: the start of the text says enough
  }
  return text.replace(/\s+/g, ' ').trim();
}
