// Panels talk to a notebook's kernel through KernelSession: requests go to the running kernel only
// (never starting one), and notification listeners follow the session onto each new kernel.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KernelSession, type SessionKernel } from '../../../../extension/kernel/kernelSession';
import { NoKernelError } from '../../../../extension/kernel/noKernelError';
import { ModelsChangedNotification, ModelsListRequest, type KernelState } from '../../../../kernel/protocol';

function fakeKernel(name: string) {
  const listeners = new Map<string, Set<(params: unknown) => void>>();
  const requests: string[] = [];
  const kernel: SessionKernel & {
    state: KernelState;
    emit(method: string, params: unknown): void;
    requests: string[];
  } = {
    state: 'idle',
    requests,
    onDidChangeState: () => ({ dispose: () => undefined }),
    execute: async () => ({ success: true, durationMs: 1 }),
    interrupt: async () => 'idle',
    dispose: async () => undefined,
    request: async (type: { method: string }, _params: unknown) => {
      requests.push(type.method);
      return { models: [], from: name } as never;
    },
    onNotification: (type: { method: string }, listener: (params: any) => void) => {
      const set = listeners.get(type.method) ?? new Set();
      listeners.set(type.method, set);
      set.add(listener);
      return { dispose: () => set.delete(listener) };
    },
    emit: (method: string, params: unknown) => listeners.get(method)?.forEach((l) => l(params)),
  } as never;
  return kernel;
}

describe('KernelSession for panels', () => {
  it('rejects requests with NoKernelError while no kernel runs, and does not start one', async () => {
    let starts = 0;
    const session = new KernelSession(async () => {
      starts++;
      return fakeKernel('k');
    });
    await assert.rejects(
      session.request(ModelsListRequest.type, undefined),
      (e: unknown) => e instanceof NoKernelError && /run a cell first/.test(e.message),
    );
    assert.equal(starts, 0);
    assert.equal(session.state, 'none');
  });

  it('sends requests to the running kernel and moves notification listeners to a restarted kernel', async () => {
    const kernels = [fakeKernel('first'), fakeKernel('second')];
    let next = 0;
    const session = new KernelSession(async () => kernels[next++]);
    const seen: unknown[] = [];
    const subscription = session.onKernelNotification(ModelsChangedNotification.type, (p) => seen.push(p));
    await session.execute('1', 'c1', { onStream: () => undefined, onDisplay: () => undefined });
    const answer = (await session.request(ModelsListRequest.type, undefined)) as unknown as { from: string };
    assert.equal(answer.from, 'first');
    kernels[0].emit(ModelsChangedNotification.method, { models: ['a'] });
    await session.restart();
    kernels[0].emit(ModelsChangedNotification.method, { models: ['stale'] });
    kernels[1].emit(ModelsChangedNotification.method, { models: ['b'] });
    assert.deepEqual(seen, [{ models: ['a'] }, { models: ['b'] }], 'only the current kernel is heard');
    subscription.dispose();
    kernels[1].emit(ModelsChangedNotification.method, { models: ['c'] });
    assert.equal(seen.length, 2, 'a disposed listener hears nothing');
    await session.shutdown();
    await assert.rejects(session.request(ModelsListRequest.type, undefined), NoKernelError);
  });
});
