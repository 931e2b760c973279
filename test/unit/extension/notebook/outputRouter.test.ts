import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIME, type OutputItem } from '../../../../kernel/protocol';
import { OutputRouter, type OutputTarget, type Scheduler } from '../../../../extension/notebook/outputRouter';

/** Records edits as a list of outputs, the way VS Code would hold them. */
class RecordingTarget implements OutputTarget<number> {
  readonly outputs: OutputItem[][] = [];
  readonly log: string[] = [];
  failOn?: string;

  async appendOutput(items: OutputItem[]): Promise<number> {
    await Promise.resolve();
    this.maybeFail('append');
    this.outputs.push([...items]);
    this.log.push('append');
    return this.outputs.length - 1;
  }

  async appendItems(output: number, items: OutputItem[]): Promise<void> {
    this.maybeFail('appendItems');
    this.outputs[output].push(...items);
    this.log.push(`appendItems:${output}`);
  }

  async replaceItems(output: number, items: OutputItem[]): Promise<void> {
    this.outputs[output] = [...items];
    this.log.push(`replace:${output}`);
  }

  private maybeFail(op: string): void {
    if (this.failOn === op) throw new Error(`${op} failed`);
  }
}

/** A scheduler the test fires by hand. */
function manualScheduler(): { schedule: Scheduler; fire(): void; pending(): number } {
  let callbacks: (() => void)[] = [];
  return {
    schedule: (callback) => {
      callbacks.push(callback);
      return { cancel: () => (callbacks = callbacks.filter((c) => c !== callback)) };
    },
    fire: () => {
      const due = callbacks;
      callbacks = [];
      for (const c of due) c();
    },
    pending: () => callbacks.length,
  };
}

const text = (items: OutputItem[]): string[] =>
  items.map((i) => `${i.mime === MIME.stdout ? 'out' : i.mime === MIME.stderr ? 'err' : i.mime}:${i.data}`);

describe('OutputRouter', () => {
  it('batches stream text until the timer fires, then grows one output per stream run', async () => {
    const target = new RecordingTarget();
    const timer = manualScheduler();
    const router = new OutputRouter(target, timer.schedule);
    router.onStream('stdout', 'a');
    router.onStream('stdout', 'b\n');
    assert.equal(timer.pending(), 1);
    timer.fire();
    router.onStream('stdout', 'c\n');
    timer.fire();
    await router.finish();
    assert.deepEqual(target.outputs.map(text), [['out:ab\n', 'out:c\n']]);
    assert.deepEqual(target.log, ['append', 'appendItems:0']);
  });

  it('starts a new output when the stream switches, keeping the order of text', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, manualScheduler().schedule);
    router.onStream('stdout', '1');
    router.onStream('stderr', '2');
    router.onStream('stdout', '3');
    await router.finish();
    assert.deepEqual(target.outputs.map(text), [['out:1'], ['err:2'], ['out:3']]);
  });

  it('flushes pending text before a display so outputs keep the order they were made in', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, manualScheduler().schedule);
    router.onStream('stdout', 'before\n');
    router.onDisplay('d1', 'append', [{ mime: MIME.markdown, data: '**chart**' }]);
    router.onStream('stdout', 'after\n');
    await router.finish();
    assert.deepEqual(target.outputs.map(text), [['out:before\n'], ['text/markdown:**chart**'], ['out:after\n']]);
  });

  it('replaces a display in place, even when other outputs came after it', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, manualScheduler().schedule);
    router.onDisplay('progress', 'append', [{ mime: MIME.text, data: 'step 0' }]);
    router.onStream('stdout', 'log\n');
    router.onDisplay('progress', 'replace', [{ mime: MIME.text, data: 'step 1' }]);
    router.onDisplay('progress', 'replace', [{ mime: MIME.text, data: 'step 2' }]);
    await router.finish();
    assert.deepEqual(target.outputs.map(text), [['text/plain:step 2'], ['out:log\n']]);
  });

  it('treats a replace of an unknown output as an append', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, manualScheduler().schedule);
    router.onDisplay('never-appended', 'replace', [{ mime: MIME.text, data: 'x' }]);
    await router.finish();
    assert.deepEqual(target.outputs.map(text), [['text/plain:x']]);
  });

  it('remembers whether the kernel showed an error, and showError adds one', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, manualScheduler().schedule);
    assert.equal(router.hasErrorOutput, false);
    router.showError({ name: 'KernelDiedError', message: 'The kernel process exited' });
    assert.equal(router.hasErrorOutput, true);
    await router.finish();
    assert.equal(target.outputs[0][0].mime, MIME.error);
    assert.deepEqual(JSON.parse(target.outputs[0][0].data), {
      name: 'KernelDiedError',
      message: 'The kernel process exited',
    });
  });

  it('reports the first failed edit from finish() and keeps applying later ones', async () => {
    const target = new RecordingTarget();
    target.failOn = 'appendItems';
    const timer = manualScheduler();
    const router = new OutputRouter(target, timer.schedule);
    router.onStream('stdout', 'a');
    timer.fire();
    router.onStream('stdout', 'b');
    timer.fire();
    router.onDisplay('d', 'append', [{ mime: MIME.text, data: 'still shown' }]);
    await assert.rejects(router.finish(), /appendItems failed/);
    assert.deepEqual(target.outputs.map(text), [['out:a'], ['text/plain:still shown']]);
  });

  it('ignores empty stream text', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, manualScheduler().schedule);
    router.onStream('stdout', '');
    await router.finish();
    assert.deepEqual(target.outputs, []);
  });

  it('flushes on the real timer when no other event comes', async () => {
    const target = new RecordingTarget();
    const router = new OutputRouter(target, undefined, 5);
    router.onStream('stderr', 'late');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(target.outputs.map(text), [['err:late']]);
    await router.finish();
  });
});
