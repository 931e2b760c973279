// Kernel side of the ranking panel's RLHF buttons: real (tiny) reward-model and DPO jobs on a slice of
// examples/data/rlhf-rankings.jsonl, with the progress they relay, the global they store, and the errors a panel gets.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import * as engine from '../../../../kernel/engine/index';
import { RlhfJobs } from '../../../../kernel/server/rankingJobs';
import { RlhfJobErrorCode, type RlhfProgressParams } from '../../../../kernel/protocol';
import { useTestBackend } from '../engine/models/testBackend';

const ROOT = join(__dirname, '../../../..');
const RANKINGS = readFileSync(join(ROOT, 'examples/data/rlhf-rankings.jsonl'), 'utf8').split('\n').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'tunebook-rlhf-jobs-'));

function rankingsFile(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

function jobs(scope: Record<string, unknown> = {}, onProgress?: (runner: RlhfJobs) => void) {
  const progress: RlhfProgressParams[] = [];
  const runner: RlhfJobs = new RlhfJobs({ globalNames: () => Object.keys(scope), scope, engine: () => engine }, (p) => {
    progress.push(p);
    onProgress?.(runner);
  });
  return { runner, progress, scope };
}

const isCode = (code: number, message: RegExp) => (e: unknown) =>
  e instanceof ResponseError && e.code === code && message.test(e.message);

// 12 lines of three annotators: enough pairs for a few optimiser steps, with some held out.
const small = () => rankingsFile('small.jsonl', RANKINGS.slice(0, 12));

describe('rlhf/trainRewardModel', () => {
  before(async () => {
    await useTestBackend();
  });

  it('trains on the store, relays every step, stores the reward model as a global and reports held-out accuracy', async () => {
    const { runner, progress, scope } = jobs({ rewardModel1: 'taken' });
    const file = small();
    const pairs = (await engine.preferences(file, { merge: 'majority' })).length;
    assert.ok(pairs >= 6, `the fixture slice gives ${pairs} pairs`);
    const result = await runner.trainRewardModel({ rankingsFile: file, jobId: 'job-1', epochs: 1 });
    assert.equal(result.global, 'rewardModel2', 'a taken name is skipped');
    const stored = scope.rewardModel2 as engine.RewardModel;
    assert.ok(stored instanceof engine.RewardModel);
    assert.equal(result.trainPairs + result.heldOutPairs, pairs);
    assert.equal(result.heldOutPairs, Math.round(pairs * 0.25));
    assert.equal(result.steps, Math.ceil(result.trainPairs / 8));
    assert.deepEqual(
      progress.map((p) => p.step),
      Array.from({ length: result.steps }, (_, i) => i + 1),
    );
    assert.ok(
      progress.every(
        (p) => p.jobId === 'job-1' && p.totalSteps === result.steps && Number.isFinite(p.loss) && p.loss > 0,
      ),
    );
    assert.deepEqual(
      progress.map((p) => p.loss),
      stored.report.losses,
    );
    assert.equal(result.heldOutAccuracy, stored.report.heldOutAccuracy);
    assert.ok(result.heldOutAccuracy !== null && result.heldOutAccuracy >= 0 && result.heldOutAccuracy <= 1);
    assert.ok(Number.isFinite(stored.score('The ship', ' sailed over the sea')));
    assert.equal(runner.busy, false);
  });

  it('answers clear errors: no store, no pairs, too few pairs, unknown backbone, bad options', async () => {
    const { runner } = jobs({ notAModel: 1 });
    const allTies = RANKINGS.filter((l) => l.includes('"pairs":[]')).slice(0, 3);
    assert.equal(allTies.length, 3);
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: join(dir, 'missing.jsonl'), jobId: 'j' }),
      isCode(RlhfJobErrorCode.noRankings, /No rankings yet: .*missing\.jsonl does not exist/),
    );
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: rankingsFile('ties.jsonl', allTies), jobId: 'j' }),
      isCode(RlhfJobErrorCode.noRankings, /holds no preference pairs/),
    );
    const onePair = JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b' });
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: rankingsFile('one.jsonl', [onePair]), jobId: 'j' }),
      isCode(RlhfJobErrorCode.tooFewPairs, /gives 1, at least 4/),
    );
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: small(), jobId: 'j', backbone: 'notAModel' }),
      isCode(RlhfJobErrorCode.noSuchModel, /No model named "notAModel"/),
    );
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: small(), jobId: 'j', epochs: -1 }),
      isCode(RlhfJobErrorCode.badParams, /epochs must be a positive number, got -1/),
    );
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: small(), jobId: '' }),
      isCode(RlhfJobErrorCode.badParams, /needs a jobId/),
    );
    assert.equal(runner.busy, false);
  });

  it('the kernel interrupt stops a job after its current step and stores nothing; a second job meanwhile is refused', async () => {
    const { runner, progress, scope } = jobs({}, (r) => assert.equal(r.interrupt(), true)); // as if the interrupt came during step 1
    const file = small();
    const running = runner.trainRewardModel({ rankingsFile: file, jobId: 'stop-me', epochs: 3 });
    await assert.rejects(
      runner.trainRewardModel({ rankingsFile: file, jobId: 'other' }),
      isCode(RlhfJobErrorCode.busy, /Another RLHF job is running/),
    );
    await assert.rejects(running, isCode(RlhfJobErrorCode.interrupted, /interrupted; nothing was stored/));
    assert.equal(progress.length, 1, 'no step runs after the interrupt');
    assert.ok(progress[0].totalSteps > 1);
    assert.deepEqual(Object.keys(scope), []);
    assert.equal(runner.busy, false);
    assert.equal(runner.interrupt(), false, 'nothing left to interrupt');
  });
});

describe('rlhf/optimisePolicy', () => {
  it('runs DPO with LoRA on a held policy, relays steps and reports implicit-reward accuracy and margin', async () => {
    await useTestBackend();
    const policy = await engine.load('tunebook/tiny-gpt2');
    const before = [...policy.params.keys()].length;
    const { runner, progress } = jobs({ policy, other: 3 });
    const file = rankingsFile('dpo.jsonl', RANKINGS.slice(0, 12));
    const pairs = (await engine.preferences(file, { merge: 'majority' })).length;
    const result = await runner.optimisePolicy({
      rankingsFile: file,
      policy: 'policy',
      lora: true,
      jobId: 'dpo-1',
      epochs: 1,
    });
    assert.equal(result.pairs, pairs);
    assert.equal(
      result.referenceMode,
      'adapters-disabled',
      'LoRA was added, so the reference is the policy with adapters off',
    );
    assert.ok([...policy.params.keys()].length > before, 'LoRA parameters were added to the held model');
    assert.equal(result.steps, Math.ceil(pairs / 8));
    assert.deepEqual(
      progress.map((p) => p.step),
      Array.from({ length: result.steps }, (_, i) => i + 1),
    );
    assert.ok(result.accuracy >= 0 && result.accuracy <= 1);
    assert.ok(Number.isFinite(result.margin) && Number.isFinite(result.loss));
    await assert.rejects(
      runner.optimisePolicy({ rankingsFile: file, policy: 'other', lora: false, jobId: 'j' }),
      isCode(RlhfJobErrorCode.noSuchModel, /No model named "other"/),
    );
  });
});
