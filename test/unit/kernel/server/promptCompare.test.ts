// Kernel side of the ranking and comparison panels, with a fake model (no TensorFlow): which model is used,
// what generate is asked, what streams back, and the errors a panel gets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import type { GenerateOptions } from '../../../../kernel/engine/generate/types';
import { compareInputs, runComparison } from '../../../../kernel/server/promptCompare';
import { rankCandidates } from '../../../../kernel/server/ranking';
import { GenerationErrorCode, type PromptCompareOutputParams } from '../../../../kernel/protocol';

/** Generates `${prompt}|seed=${seed}|t=${temperature}` one character-token at a time. */
function fakeModel(calls: Array<{ prompt: string; opts: GenerateOptions }>, opts: { tokenizer?: boolean } = {}) {
  return {
    modelType: 'gpt2',
    architecture: 'GPT2LMHeadModel',
    params: new Map(),
    layers: () => [],
    config: {},
    tokenizer: opts.tokenizer === false ? undefined : { decode: (ids: number[]) => String.fromCharCode(...ids) },
    async generate(prompt: string, o: GenerateOptions = {}) {
      calls.push({ prompt, opts: o });
      if (prompt === 'explode') throw new Error('generation failed on purpose');
      const text = `out:${prompt}|seed=${String(o.seed)}|t=${String(o.temperature)}`.slice(0, o.maxNewTokens ?? 32);
      const ids = [...text].map((ch) => ch.charCodeAt(0));
      for (let i = 0; i < ids.length; i++) {
        if (o.signal?.aborted) break;
        o.onToken?.(ids[i], i);
        await new Promise((r) => setImmediate(r));
      }
      return {
        text,
        ids,
        promptIds: [],
        finishReason: 'length' as const,
        timing: { prefillMs: 0, decodeMs: 0, totalMs: 0, tokensPerSecond: 0 },
      };
    },
  };
}

function deps(scope: Record<string, unknown>) {
  return { globalNames: () => Object.keys(scope), scope };
}

const sampling = { maxNewTokens: 64, temperature: 0.8, seed: 10 };

describe('ranking/generate', () => {
  it('samples K candidates with seeds seed, seed+1, ...', async () => {
    const calls: Array<{ prompt: string; opts: GenerateOptions }> = [];
    const result = await rankCandidates(
      deps({ m: fakeModel(calls) }),
      { model: 'm', prompt: 'p', count: 3, sampling },
      new AbortController().signal,
    );
    assert.deepEqual(result.candidates, ['out:p|seed=10|t=0.8', 'out:p|seed=11|t=0.8', 'out:p|seed=12|t=0.8']);
    assert.deepEqual(
      calls.map((c) => [c.opts.maxNewTokens, c.opts.temperature]),
      [
        [64, 0.8],
        [64, 0.8],
        [64, 0.8],
      ],
    );
  });

  it('answers specific errors: unknown model, no tokenizer, bad count, bad sampling', async () => {
    const signal = new AbortController().signal;
    const scope = { m: fakeModel([]), bare: fakeModel([], { tokenizer: false }), notAModel: 3 };
    const expectError = async (params: Parameters<typeof rankCandidates>[1], code: number, message: RegExp) => {
      await assert.rejects(
        rankCandidates(deps(scope), params, signal),
        (e: unknown) => e instanceof ResponseError && e.code === code && message.test(e.message),
      );
    };
    await expectError(
      { model: 'nope', prompt: 'p', count: 2, sampling },
      GenerationErrorCode.noSuchModel,
      /No model named "nope".*the notebook holds: m, bare/,
    );
    await expectError(
      { model: 'bare', prompt: 'p', count: 2, sampling },
      GenerationErrorCode.noSuchModel,
      /cannot generate text/,
    );
    await expectError(
      { model: 'm', prompt: 'p', count: 1, sampling },
      GenerationErrorCode.badParams,
      /2 to 9 candidates, asked for 1/,
    );
    await expectError(
      { model: 'm', prompt: 'p', count: 2, sampling: { maxNewTokens: 0, temperature: 1 } },
      GenerationErrorCode.badParams,
      /maxNewTokens must be 1 to 2048/,
    );
    await expectError(
      { model: 'm', prompt: 'p', count: 2, sampling: { maxNewTokens: 4, temperature: -1 } },
      GenerationErrorCode.badParams,
      /temperature must be 0 to 10/,
    );
  });
});

describe('promptCompare/run', () => {
  it('fills every job in order, streams partial text, and ends each cell with latency and tokens', async () => {
    const calls: Array<{ prompt: string; opts: GenerateOptions }> = [];
    const sent: PromptCompareOutputParams[] = [];
    const jobs = [
      { row: 0, column: 0, model: 'm', prompt: 'a', sampling: { maxNewTokens: 64, temperature: 0 } },
      { row: 0, column: 1, model: 'm', prompt: 'explode', sampling: { maxNewTokens: 64, temperature: 0 } },
      { row: 1, column: 0, model: 'missing', prompt: 'b', sampling: { maxNewTokens: 64, temperature: 0 } },
    ];
    const result = await runComparison(
      deps({ m: fakeModel(calls) }),
      { runId: 'r', jobs },
      new AbortController().signal,
      (o) => sent.push(o),
    );
    assert.deepEqual(result, { runId: 'r', completed: 1, cancelled: false });
    const finals = sent.filter((o) => o.done);
    assert.equal(finals.length, 3);
    assert.equal(finals[0].text, 'out:a|seed=undefined|t=0');
    assert.equal(finals[0].tokens, finals[0].text.length);
    assert.ok(typeof finals[0].latencyMs === 'number' && finals[0].latencyMs >= 0);
    assert.match(finals[1].error ?? '', /generation failed on purpose/);
    assert.match(finals[2].error ?? '', /No model named "missing"/);
    const partial = sent.filter((o) => !o.done);
    assert.ok(partial.length >= 1, 'at least one streamed update before the end');
    assert.ok(
      partial.every((o) => finals[0].text.startsWith(o.text)),
      'streamed text is a prefix of the final text',
    );
  });

  it('stops after the current token when cancelled', async () => {
    const controller = new AbortController();
    const sent: PromptCompareOutputParams[] = [];
    const jobs = [0, 1, 2].map((row) => ({
      row,
      column: 0,
      model: 'm',
      prompt: `p${row}`,
      sampling: { maxNewTokens: 64, temperature: 0 },
    }));
    const run = runComparison(deps({ m: fakeModel([]) }), { runId: 'r', jobs }, controller.signal, (o) => {
      sent.push(o);
      if (o.done) controller.abort();
    });
    const result = await run;
    assert.equal(result.cancelled, true);
    assert.equal(sent.filter((o) => o.done).length, 1, 'no later job started');
  });
});

describe('promptCompare/inputs', () => {
  it('reads a notebook array of strings or {input} objects, and explains what is wrong otherwise', () => {
    const scope = { inputs: ['a', { input: 'b' }], notList: 'x', mixed: ['a', 2] };
    assert.deepEqual(compareInputs(deps(scope), 'inputs'), { inputs: ['a', 'b'] });
    assert.throws(() => compareInputs(deps(scope), 'nope'), /no variable named "nope"/);
    assert.throws(() => compareInputs(deps(scope), 'notList'), /notList is not an array \(it is string\)/);
    assert.throws(() => compareInputs(deps(scope), 'mixed'), /mixed\[1\] is neither a string nor an object/);
  });
});
