import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecuteCellResult, KernelState } from '../../../../kernel/protocol';
import {
  KernelSession,
  type ExecuteSink,
  type SessionKernel,
  type SessionState,
} from '../../../../extension/kernel/kernelSession';

class FakeKernel implements SessionKernel {
  static started = 0;
  readonly id = ++FakeKernel.started;
  state: KernelState = 'idle';
  disposed = false;
  interrupts = 0;
  private listeners: ((state: KernelState) => void)[] = [];
  constructor(private readonly behaviour: Behaviour) {}

  onDidChangeState(listener: (state: KernelState) => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  }

  setState(state: KernelState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  execute(params: { code: string; cellName: string }, sink: ExecuteSink): Promise<ExecuteCellResult> {
    return this.behaviour(params.code, sink, this);
  }

  async interrupt(): Promise<'cooperative' | 'restarted' | 'idle'> {
    this.interrupts++;
    return 'cooperative';
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.setState('dead');
  }
}

type Behaviour = (code: string, sink: ExecuteSink, kernel: FakeKernel) => Promise<ExecuteCellResult>;
const ok: Behaviour = async () => ({ success: true, durationMs: 1 });
const noSink: ExecuteSink = { onStream: () => undefined, onDisplay: () => undefined };

function sessionWith(behaviour: Behaviour = ok): {
  session: KernelSession;
  kernels: FakeKernel[];
  states: SessionState[];
} {
  const kernels: FakeKernel[] = [];
  const session = new KernelSession(async () => {
    const kernel = new FakeKernel(behaviour);
    kernels.push(kernel);
    return kernel;
  });
  const states: SessionState[] = [];
  session.onDidChangeState((s) => states.push(s));
  return { session, kernels, states };
}

describe('KernelSession', () => {
  it('starts no kernel until the first run, then reuses it and numbers executions', async () => {
    const { session, kernels, states } = sessionWith();
    assert.equal(session.state, 'none');
    assert.equal(kernels.length, 0);
    const first = await session.execute('1', 'Cell 1', noSink);
    const second = await session.execute('2', 'Cell 2', noSink);
    assert.equal(kernels.length, 1);
    assert.deepEqual([first.executionOrder, second.executionOrder], [1, 2]);
    assert.deepEqual(states, ['starting', 'idle']);
  });

  it('tells the sink the execution number before the cell runs and forwards kernel events', async () => {
    const seen: string[] = [];
    const { session } = sessionWith(async (_code, sink) => {
      seen.push('running');
      sink.onStream('stdout', 'hi');
      sink.onDisplay('o1', 'append', [{ mime: 'text/plain', data: 'x' }]);
      return { success: true, durationMs: 1 };
    });
    await session.execute('x', 'Cell 1', {
      onExecutionOrder: (n) => seen.push(`order ${n}`),
      onStream: (s, t) => seen.push(`${s} ${t}`),
      onDisplay: (id, op) => seen.push(`${op} ${id}`),
    });
    assert.deepEqual(seen, ['order 1', 'running', 'stdout hi', 'append o1']);
  });

  it('replaces a kernel that died with a fresh one and restarts the numbering', async () => {
    const { session, kernels } = sessionWith(async (code, _sink, kernel) => {
      if (code === 'kill') {
        kernel.setState('dead');
        return {
          success: false,
          durationMs: 2,
          error: { name: 'KernelDiedError', message: 'The kernel process exited (signal SIGKILL) while this cell ran' },
        };
      }
      return { success: true, durationMs: 1 };
    });
    await session.execute('1', 'Cell 1', noSink);
    const died = await session.execute('kill', 'Cell 2', noSink);
    assert.equal(died.success, false);
    assert.equal(died.error?.name, 'KernelDiedError');
    assert.equal(session.state, 'dead');
    const after = await session.execute('1', 'Cell 3', noSink);
    assert.equal(kernels.length, 2);
    assert.equal(kernels[0].disposed, true);
    assert.equal(after.success, true);
    assert.equal(after.executionOrder, 1);
  });

  it('restart() disposes the kernel and starts a new one right away', async () => {
    const { session, kernels } = sessionWith();
    await session.execute('1', 'Cell 1', noSink);
    await session.restart();
    assert.equal(kernels.length, 2);
    assert.equal(kernels[0].disposed, true);
    assert.equal(session.state, 'idle');
    assert.equal((await session.execute('1', 'Cell 1', noSink)).executionOrder, 1);
  });

  it('shutdown() stops the kernel; the next run starts a fresh one', async () => {
    const { session, kernels } = sessionWith();
    await session.execute('1', 'Cell 1', noSink);
    await session.shutdown();
    assert.equal(session.state, 'none');
    assert.equal(kernels[0].disposed, true);
    await session.execute('1', 'Cell 1', noSink);
    assert.equal(kernels.length, 2);
  });

  it('a kernel that finishes starting after shutdown() is thrown away', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const made: FakeKernel[] = [];
    const session = new KernelSession(async () => {
      await gate;
      const kernel = new FakeKernel(ok);
      made.push(kernel);
      return kernel;
    });
    const run = session.execute('1', 'Cell 1', noSink);
    const stopped = session.shutdown();
    release();
    await stopped;
    const result = await run;
    assert.equal(result.success, false);
    assert.match(result.error?.message ?? '', /could not start: the kernel was shut down while it started/);
    assert.equal(made[0].disposed, true);
    assert.equal(session.state, 'none');
  });

  it('turns a failed start into a failed cell with the cause and where to look', async () => {
    class KernelStartError extends Error {
      override readonly name = 'KernelStartError';
    }
    const session = new KernelSession(async () => {
      throw new KernelStartError('spawn /nope/node ENOENT');
    });
    const result = await session.execute('1', 'Cell 1', noSink);
    assert.equal(result.success, false);
    assert.equal(result.error?.name, 'KernelStartError');
    assert.match(
      result.error?.message ?? '',
      /could not start: spawn \/nope\/node ENOENT\nCheck the "tunebook\.kernel\.nodePath" setting/,
    );
    assert.equal(session.state, 'dead');
  });

  it('turns a rejected execute into a failed cell instead of rejecting', async () => {
    const { session } = sessionWith(async () => {
      throw new Error('connection lost');
    });
    const result = await session.execute('1', 'Cell 1', noSink);
    assert.equal(result.success, false);
    assert.match(result.error?.message ?? '', /connection lost/);
  });

  it('interrupt() reaches the kernel, and is idle without one', async () => {
    const { session, kernels } = sessionWith();
    assert.equal(await session.interrupt(), 'idle');
    await session.execute('1', 'Cell 1', noSink);
    assert.equal(await session.interrupt(), 'cooperative');
    assert.equal(kernels[0].interrupts, 1);
  });

  it('restarts the numbering when the client replaces its process itself', async () => {
    const { session, kernels } = sessionWith();
    await session.execute('1', 'Cell 1', noSink);
    await session.execute('1', 'Cell 2', noSink);
    kernels[0].setState('starting');
    kernels[0].setState('idle');
    assert.equal((await session.execute('1', 'Cell 3', noSink)).executionOrder, 1);
    assert.equal(kernels.length, 1);
  });

  it('starts one kernel for runs asked for while it starts', async () => {
    const { session, kernels } = sessionWith();
    await Promise.all([session.execute('1', 'a', noSink), session.execute('2', 'b', noSink)]);
    assert.equal(kernels.length, 1);
  });
});
