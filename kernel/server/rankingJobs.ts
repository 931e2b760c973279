/**
 * Kernel side of the ranking panel's "Train reward model" and "Optimise policy" buttons: reads the ranking store,
 * runs the engine's `rewardModel` / `dpo` on its pairs, relays each step as `rlhf/progress`, and keeps the trained
 * reward model as a notebook global. One job at a time; `interrupt()` (the kernel's interrupt) stops it.
 */
import { existsSync } from 'node:fs';
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import type { Model } from '../engine/models/model';
import type { PreferencePair } from '../engine/rlhf';
import {
  RlhfCancelRequest,
  RlhfJobErrorCode,
  RlhfOptimisePolicyRequest,
  RlhfTrainRewardModelRequest,
  type RlhfOptimisePolicyParams,
  type RlhfOptimisePolicyResult,
  type RlhfProgressParams,
  type RlhfTrainRewardModelParams,
  type RlhfTrainRewardModelResult,
} from '../protocol';
import type { ServerEngine } from './engineSurface';
import { heldModels } from './heldModels';

/** The engine exports the jobs use. */
export type RlhfEngine = Pick<ServerEngine, 'preferences' | 'rewardModel' | 'dpo' | 'load' | 'lora' | 'ensureBackend'>;

export interface RlhfJobDeps {
  globalNames(): readonly string[];
  /** Where notebook globals live (default globalThis); the trained reward model is stored here. */
  scope?: object;
  engine(): RlhfEngine | Promise<RlhfEngine>;
}

export const DEFAULT_BACKBONE = 'tunebook/tiny-gpt2';
/** A reward model with fewer training pairs learns nothing useful; one held-out pair at least. */
export const MIN_REWARD_PAIRS = 4;
export const MIN_DPO_PAIRS = 2;
const REWARD_DEFAULTS = { epochs: 2, lr: 1e-3, heldOut: 0.25, pooling: 'mean' as const, seed: 1 };
const DPO_DEFAULTS = { beta: 0.1, epochs: 1, lr: 3e-3, seed: 3 };

export class RlhfJobs {
  private running: AbortController | undefined;

  constructor(
    private readonly deps: RlhfJobDeps,
    private readonly notify: (progress: RlhfProgressParams) => void,
  ) {}

  register(connection: Pick<MessageConnection, 'onRequest'>): void {
    connection.onRequest(RlhfTrainRewardModelRequest.type, (params) => this.trainRewardModel(params));
    connection.onRequest(RlhfOptimisePolicyRequest.type, (params) => this.optimisePolicy(params));
    connection.onRequest(RlhfCancelRequest.type, () => ({ cancelled: this.interrupt() }));
  }

  /** The kernel's interrupt (and `rlhf/cancel`): stops the running job after its current step. True when one ran. */
  interrupt(): boolean {
    if (!this.running || this.running.signal.aborted) return false;
    this.running.abort();
    return true;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  trainRewardModel(params: RlhfTrainRewardModelParams): Promise<RlhfTrainRewardModelResult> {
    return this.exclusive(params?.jobId, async (signal) => {
      const engine = await this.engine();
      const pairs = await this.readPairs(engine, params.rankingsFile, MIN_REWARD_PAIRS, 'a reward model');
      const backbone =
        params.backbone === undefined ? await engine.load(DEFAULT_BACKBONE) : this.findCausalLm(params.backbone);
      const trained = await this.engineCall(() =>
        engine.rewardModel(backbone, pairs, {
          ...REWARD_DEFAULTS,
          ...numbers(params, ['epochs', 'lr', 'seed']),
          progress: false,
          signal,
          onStep: (s) => this.notify({ jobId: params.jobId, step: s.step, totalSteps: s.totalSteps, loss: s.loss }),
        }),
      );
      const global = this.freeGlobalName('rewardModel');
      (this.scope() as Record<string, unknown>)[global] = trained;
      const report = trained.report;
      return {
        global,
        backbone: params.backbone ?? `load('${DEFAULT_BACKBONE}')`,
        trainPairs: report.trainPairs,
        heldOutPairs: report.heldOutPairs,
        heldOutAccuracy: Number.isFinite(report.heldOutAccuracy) ? report.heldOutAccuracy : null,
        trainAccuracy: report.trainAccuracy,
        steps: report.losses.length,
        seconds: report.seconds,
      };
    });
  }

  optimisePolicy(params: RlhfOptimisePolicyParams): Promise<RlhfOptimisePolicyResult> {
    return this.exclusive(params?.jobId, async (signal) => {
      const engine = await this.engine();
      const pairs = await this.readPairs(engine, params.rankingsFile, MIN_DPO_PAIRS, 'DPO');
      const policy = this.findCausalLm(params.policy);
      if (params.lora === true) engine.lora(policy, { r: 8, seed: 2, targets: ['c_attn', 'c_fc'] });
      const run = await this.engineCall(() =>
        engine.dpo(policy, pairs, {
          ...DPO_DEFAULTS,
          ...numbers(params, ['beta', 'epochs', 'lr', 'seed']),
          progress: false,
          signal,
          onStep: (e) => this.notify({ jobId: params.jobId, step: e.step, totalSteps: e.totalSteps, loss: e.loss }),
        }),
      );
      return {
        policy: params.policy,
        pairs: pairs.length,
        accuracy: run.train.accuracy,
        margin: run.train.margin,
        loss: run.train.loss,
        referenceMode: run.referenceMode,
        steps: run.log.length,
        seconds: run.seconds,
      };
    });
  }

  private async exclusive<T>(jobId: unknown, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (typeof jobId !== 'string' || jobId.length === 0)
      throw new ResponseError(RlhfJobErrorCode.badParams, 'An RLHF job needs a jobId (text).');
    if (this.running)
      throw new ResponseError(
        RlhfJobErrorCode.busy,
        'Another RLHF job is running in this kernel; wait for it or interrupt the kernel.',
      );
    const controller = new AbortController();
    this.running = controller;
    try {
      return await job(controller.signal);
    } catch (error) {
      if (controller.signal.aborted)
        throw new ResponseError(RlhfJobErrorCode.interrupted, 'The RLHF job was interrupted; nothing was stored.');
      throw error;
    } finally {
      this.running = undefined;
    }
  }

  private async engine(): Promise<RlhfEngine> {
    const engine = await this.deps.engine();
    await engine.ensureBackend();
    return engine;
  }

  private async readPairs(engine: RlhfEngine, file: unknown, minimum: number, what: string): Promise<PreferencePair[]> {
    if (typeof file !== 'string' || file.length === 0)
      throw new ResponseError(RlhfJobErrorCode.badParams, 'rankingsFile must be the path of the ranking store.');
    if (!existsSync(file))
      throw new ResponseError(
        RlhfJobErrorCode.noRankings,
        `No rankings yet: ${file} does not exist. Rank some items in the ranking panel first.`,
      );
    const prefs = await this.engineCall(() => engine.preferences(file, { merge: 'majority' }));
    if (prefs.length === 0)
      throw new ResponseError(
        RlhfJobErrorCode.noRankings,
        `No rankings yet: ${file} holds no preference pairs. Rank some items (without all ties) first.`,
      );
    if (prefs.length < minimum) {
      throw new ResponseError(
        RlhfJobErrorCode.tooFewPairs,
        `Too few preference pairs for ${what}: ${file} gives ${prefs.length}, at least ${minimum} are needed. Rank more items first.`,
      );
    }
    return prefs.pairs;
  }

  private findCausalLm(name: unknown): Model {
    const held = heldModels(this.deps.globalNames(), this.scope());
    const found = typeof name === 'string' ? held.find((m) => m.name === name) : undefined;
    if (!found) {
      const known = held.length
        ? `the notebook holds: ${held.map((m) => m.name).join(', ')}`
        : 'the notebook holds no model now';
      throw new ResponseError(
        RlhfJobErrorCode.noSuchModel,
        `No model named ${JSON.stringify(name)} in the kernel (${known}).`,
      );
    }
    if (typeof found.model.generate !== 'function' || !found.model.tokenizer) {
      throw new ResponseError(
        RlhfJobErrorCode.noSuchModel,
        `The model ${found.name} is not a causal LM with a tokenizer, so it cannot be trained on text preferences.`,
      );
    }
    return found.model;
  }

  /** The engine's own errors reach the panel as `failed` with their message; ours pass through. */
  private async engineCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      if (this.running?.signal.aborted) throw error;
      throw new ResponseError(RlhfJobErrorCode.failed, error instanceof Error ? error.message : String(error));
    }
  }

  private freeGlobalName(prefix: string): string {
    const scope = this.scope() as Record<string, unknown>;
    const taken = new Set(this.deps.globalNames());
    for (let i = 1; ; i++) {
      const name = `${prefix}${i}`;
      if (!taken.has(name) && !(name in scope)) return name;
    }
  }

  private scope(): object {
    return this.deps.scope ?? globalThis;
  }
}

function numbers<K extends string>(
  params: Partial<Record<K, unknown>>,
  keys: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const value = params[key];
    if (value === undefined) continue;
    const allowed =
      key === 'seed'
        ? Number.isInteger(value) && (value as number) >= 0
        : typeof value === 'number' && Number.isFinite(value) && value > 0;
    if (!allowed)
      throw new ResponseError(
        RlhfJobErrorCode.badParams,
        `${key} must be a ${key === 'seed' ? 'whole number from 0' : 'positive number'}, got ${String(value)}.`,
      );
    out[key] = value as number;
  }
  return out;
}
