/**
 * The ranking panel's RLHF buttons, extension side: asks which model to use (quick pick), runs the kernel's
 * `rlhf/trainRewardModel` or `rlhf/optimisePolicy` on the workspace's ranking store, relays `rlhf/progress` to the
 * panel, and ends with a summary (or the reason it failed). Cancel interrupts the kernel and stops the job.
 */
import * as vscode from 'vscode';
import {
  ModelsListRequest,
  RlhfCancelRequest,
  RlhfOptimisePolicyRequest,
  RlhfProgressNotification,
  RlhfTrainRewardModelRequest,
  RlhfJobErrorCode,
  type ModelSummary,
} from '../../kernel/protocol';
import type { RankingToWebview } from '../../webviews/ranking/messages';
import { describeError, type Log } from '../common/log';
import type { NotebookRuntime } from '../kernel/notebookRuntimes';

type Job = 'rewardModel' | 'policy';

export interface RankingJobsHost {
  post(message: RankingToWebview): Promise<void>;
  /** The notebook runtime whose kernel runs the job (undefined when none runs). */
  runtime(): NotebookRuntime | undefined;
  /** Absolute path of the workspace's ranking store. */
  rankingsFile(): string;
}

const FRESH_BACKBONE = 'Fresh copy of tunebook/tiny-gpt2';
const CAUSAL_LM = /LMHead|CausalLM/;

export class RankingJobs {
  private running: { job: Job; runtime: NotebookRuntime } | undefined;

  constructor(
    private readonly host: RankingJobsHost,
    private readonly log: Log,
  ) {}

  async trainRewardModel(): Promise<void> {
    await this.run('rewardModel', async (runtime, jobId, started) => {
      const models = await causalLms(runtime);
      let backbone: string | undefined;
      if (models.length > 0) {
        const picked = await vscode.window.showQuickPick(
          [
            { label: FRESH_BACKBONE, description: 'leaves the notebook’s models untouched' },
            ...models.map((m) => ({
              label: m.name,
              description: `${m.architecture} · ${m.params.toLocaleString()} params · its weights are trained`,
            })),
          ],
          { title: 'Reward model backbone', placeHolder: 'The causal LM the reward model is built on' },
        );
        if (!picked) return undefined;
        backbone = picked.label === FRESH_BACKBONE ? undefined : picked.label;
      }
      await started(`Training a reward model on ${backbone ?? 'tunebook/tiny-gpt2'}…`);
      const r = await runtime.session.request(RlhfTrainRewardModelRequest.type, {
        rankingsFile: this.host.rankingsFile(),
        backbone,
        jobId,
      });
      const accuracy =
        r.heldOutAccuracy === null
          ? 'no pairs held out'
          : `held-out pairwise accuracy ${(r.heldOutAccuracy * 100).toFixed(1)}% (${r.heldOutPairs} pairs)`;
      return `Reward model stored in the notebook as ${r.global}: ${accuracy}; ${r.trainPairs} training pairs, ${r.steps} steps in ${r.seconds.toFixed(1)} s.`;
    });
  }

  async optimisePolicy(lora: boolean): Promise<void> {
    await this.run('policy', async (runtime, jobId, started) => {
      const models = await causalLms(runtime);
      if (models.length === 0)
        throw new Error(
          "No causal LM in the notebook to optimise: run a cell such as `const policy = await load('tunebook/tiny-gpt2')` first.",
        );
      let policy = models[0].name;
      if (models.length > 1) {
        const picked = await vscode.window.showQuickPick(
          models.map((m) => ({
            label: m.name,
            description: `${m.architecture} · ${m.params.toLocaleString()} params`,
          })),
          {
            title: `Policy to optimise with DPO${lora ? ' (LoRA)' : ''}`,
          },
        );
        if (!picked) return undefined;
        policy = picked.label;
      }
      await started(`Optimising ${policy} with DPO${lora ? ' + LoRA' : ''}…`);
      const r = await runtime.session.request(RlhfOptimisePolicyRequest.type, {
        rankingsFile: this.host.rankingsFile(),
        policy,
        lora,
        jobId,
      });
      return `${r.policy} optimised with DPO on ${r.pairs} pairs: implicit-reward accuracy ${(r.accuracy * 100).toFixed(1)}%, mean margin ${r.margin.toFixed(3)}, ${r.steps} steps in ${r.seconds.toFixed(1)} s.`;
    });
  }

  /** The kernel's interrupt stops a job a cell runs beside; `rlhf/cancel` stops it when no cell runs. */
  async cancel(): Promise<void> {
    const running = this.running;
    if (!running) return;
    await running.runtime.session
      .interrupt()
      .catch((error: unknown) => this.log.warn(`Interrupt failed: ${describeError(error)}`));
    await running.runtime.session
      .request(RlhfCancelRequest.type, undefined)
      .catch((error: unknown) => this.log.warn(`rlhf/cancel failed: ${describeError(error)}`));
  }

  private async run(
    job: Job,
    body: (
      runtime: NotebookRuntime,
      jobId: string,
      started: (label: string) => Promise<void>,
    ) => Promise<string | undefined>,
  ): Promise<void> {
    if (this.running)
      return void (await this.host.post({
        type: 'ranking/error',
        message: 'An RLHF job is already running; cancel it or wait.',
      }));
    const runtime = this.host.runtime();
    if (!runtime || runtime.session.state === 'none' || runtime.session.state === 'dead') {
      return void (await this.host.post({
        type: 'ranking/error',
        message: 'No notebook kernel is running. Open a Tunebook notebook and run a cell, then try again.',
      }));
    }
    const jobId = `${job}-${Date.now()}`;
    this.running = { job, runtime };
    const subscription = runtime.session.onKernelNotification(RlhfProgressNotification.type, (p) => {
      if (p.jobId !== jobId || !(p.step >= 1) || !(p.totalSteps >= 1) || !Number.isFinite(p.loss)) return;
      void this.host.post({ type: 'ranking/jobProgress', job, step: p.step, totalSteps: p.totalSteps, loss: p.loss });
    });
    let began = false;
    const started = async (label: string) => {
      began = true;
      await this.host.post({ type: 'ranking/jobStarted', job, label: label.slice(0, 2000) });
    };
    try {
      /** Undefined when the user dismissed a quick pick. */
      const summary = await body(runtime, jobId, started);
      if (summary !== undefined)
        await this.host.post({ type: 'ranking/jobEnded', job, outcome: 'done', message: summary.slice(0, 2000) });
    } catch (error) {
      const cancelled = (error as { code?: number }).code === RlhfJobErrorCode.interrupted;
      if (!cancelled) this.log.error(`The ranking panel's ${job} job failed`, error);
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
      if (began)
        await this.host.post({ type: 'ranking/jobEnded', job, outcome: cancelled ? 'cancelled' : 'failed', message });
      else await this.host.post({ type: 'ranking/error', message });
    } finally {
      subscription.dispose();
      this.running = undefined;
    }
  }
}

async function causalLms(runtime: NotebookRuntime): Promise<ModelSummary[]> {
  const { models } = await runtime.session.request(ModelsListRequest.type, undefined);
  return models.filter((m) => CAUSAL_LM.test(m.architecture));
}
