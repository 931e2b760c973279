/** Kernel side of the ranking panel: K sampled completions of a prompt from a notebook's model. */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import { GenerationPanelErrorCode, RankGenerateRequest, type RankGenerateParams, type RankGenerateResult } from '../protocol';
import { findTextModel, generateOptions, type GenerationDeps } from './generationDeps';

export const MAX_RANK_CANDIDATES = 9;

export function registerRankHandlers(connection: Pick<MessageConnection, 'onRequest'>, deps: GenerationDeps): void {
  connection.onRequest(RankGenerateRequest.type, (params, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return rankCandidates(deps, params, controller.signal);
  });
}

export async function rankCandidates(deps: GenerationDeps, params: RankGenerateParams, signal: AbortSignal): Promise<RankGenerateResult> {
  const model = findTextModel(deps, params?.model);
  if (!Number.isInteger(params.count) || params.count < 2 || params.count > MAX_RANK_CANDIDATES) {
    throw new ResponseError(GenerationPanelErrorCode.badParams, `The ranking panel ranks 2 to ${MAX_RANK_CANDIDATES} candidates, asked for ${String(params.count)}.`);
  }
  if (typeof params.prompt !== 'string') throw new ResponseError(GenerationPanelErrorCode.badParams, 'The prompt must be text.');
  const candidates: string[] = [];
  for (let i = 0; i < params.count; i++) {
    const result = await model.generate(params.prompt, generateOptions(params.sampling, i, signal));
    candidates.push(result.text ?? '');
  }
  return { candidates };
}
