/**
 * Kernel side of the ranking panel: K sampled completions of a prompt from a notebook's model, and the
 * RLHF jobs of its training buttons (rankingJobs.ts).
 */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  GenerationErrorCode,
  MAX_RANK_CANDIDATES,
  RankingGenerateRequest,
  RlhfProgressNotification,
  type RankingGenerateParams,
  type RankingGenerateResult,
} from '../protocol';
import { findTextModel, generateOptions, type GenerationDeps } from './generation';
import { RlhfJobs, type RlhfJobDeps } from './rankingJobs';

export type RankingDeps = GenerationDeps & RlhfJobDeps;

/** Registers the ranking panel's requests; the server calls `interrupt()` of the answer on the kernel's interrupt. */
export function registerRanking(
  connection: Pick<MessageConnection, 'onRequest' | 'sendNotification'>,
  deps: RankingDeps,
): RlhfJobs {
  connection.onRequest(RankingGenerateRequest.type, (params, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return rankCandidates(deps, params, controller.signal);
  });
  const jobs = new RlhfJobs(
    deps,
    (progress) => void connection.sendNotification(RlhfProgressNotification.type, progress),
  );
  jobs.register(connection);
  return jobs;
}

export async function rankCandidates(
  deps: GenerationDeps,
  params: RankingGenerateParams,
  signal: AbortSignal,
): Promise<RankingGenerateResult> {
  const model = findTextModel(deps, params?.model);
  if (!Number.isInteger(params.count) || params.count < 2 || params.count > MAX_RANK_CANDIDATES) {
    throw new ResponseError(
      GenerationErrorCode.badParams,
      `The ranking panel ranks 2 to ${MAX_RANK_CANDIDATES} candidates, asked for ${String(params.count)}.`,
    );
  }
  if (typeof params.prompt !== 'string')
    throw new ResponseError(GenerationErrorCode.badParams, 'The prompt must be text.');
  const candidates: string[] = [];
  for (let i = 0; i < params.count; i++) {
    const result = await model.generate(params.prompt, generateOptions(params.sampling, i, signal));
    candidates.push(result.text ?? '');
  }
  return { candidates };
}
