/** The protocol end to end over in-memory streams: a kernel session in this process and a JSON-RPC client. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { KernelServer } from '../../../../kernel/server/kernelServer';
import {
  DisplayNotification,
  ExecuteCellRequest,
  InitializeRequest,
  InterruptNotification,
  MIME,
  PROTOCOL_VERSION,
  ShutdownRequest,
  StatusNotification,
  type DisplayParams,
  type KernelState,
} from '../../../../kernel/protocol';
import { repoRoot } from '../helpers/ensureBuilt';

describe('kernel protocol over in-memory streams', () => {
  let client: MessageConnection;
  let kernel: MessageConnection;
  let session: KernelServer;
  const exits: number[] = [];
  const states: KernelState[] = [];
  const displays: DisplayParams[] = [];
  let ids = 0;
  const execute = (code: string) =>
    client.sendRequest(ExecuteCellRequest.type, { executionId: `e${++ids}`, code, cellName: `Cell ${ids}` });

  before(() => {
    const toKernel = new PassThrough();
    const toClient = new PassThrough();
    kernel = createMessageConnection(new StreamMessageReader(toKernel), new StreamMessageWriter(toClient));
    client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toKernel));
    session = new KernelServer(kernel, {
      kernelDir: join(repoRoot, 'kernel'),
      internalPaths: [join(repoRoot, 'kernel', 'cells')],
      captureOutput: false,
      changeDirectory: false,
      exit: (code) => exits.push(code),
    });
    client.onNotification(StatusNotification.type, (p) => states.push(p.state));
    client.onNotification(DisplayNotification.type, (p) => displays.push(p));
    kernel.listen();
    client.listen();
  });

  after(() => {
    session.dispose();
    client.dispose();
    kernel.dispose();
  });

  it('answers initialize with its protocol version and pid, and refuses another version', async () => {
    const info = await client.sendRequest(InitializeRequest.type, {
      protocolVersion: PROTOCOL_VERSION,
      notebookDir: repoRoot,
      backend: 'cpu',
    });
    assert.equal(info.protocolVersion, PROTOCOL_VERSION);
    assert.equal(info.pid, process.pid);
    assert.equal(process.env.TUNEBOOK_BACKEND, 'cpu');
    await assert.rejects(
      client.sendRequest(InitializeRequest.type, {
        protocolVersion: PROTOCOL_VERSION + 1,
        notebookDir: repoRoot,
        backend: 'cpu',
      }),
      /protocol 1, the client 2/,
    );
  });

  it('executes a cell, displays its value for the execution, and goes busy then idle', async () => {
    states.length = 0;
    const result = await execute('const protoA = 20;\nprotoA + 22');
    assert.equal(result.success, true);
    const shown = displays.filter((d) => d.executionId === `e${ids}`);
    assert.deepEqual(
      shown.map((d) => d.items),
      [[{ mime: MIME.text, data: '42' }]],
    );
    assert.deepEqual(states, ['busy', 'idle']);
  });

  it('runs queued cells one at a time, in the order they were sent', async () => {
    await execute('const protoLog: string[] = []');
    const [slow, fast] = await Promise.all([
      execute("protoLog.push('slow start'); await new Promise(r => setTimeout(r, 50)); protoLog.push('slow end')"),
      execute("protoLog.push('fast')"),
    ]);
    assert.ok(slow.success && fast.success);
    const log = await execute('protoLog.join(",")');
    assert.ok(log.success);
    assert.equal(displays[displays.length - 1].items[0].data, "'slow start,slow end,fast'");
  });

  it('sends a thrown error as an error output naming the cell line', async () => {
    const result = await execute('const ok = 1;\n\nnull.boom');
    assert.equal(result.success, false);
    assert.equal(result.error?.name, 'TypeError');
    const output = displays[displays.length - 1];
    assert.equal(output.items[0].mime, MIME.error);
    const payload = JSON.parse(output.items[0].data);
    assert.match(payload.stack, new RegExp(`Cell ${ids}:3:\\d+`));
  });

  it('interrupts the running cell and the queued ones, keeping state', async () => {
    await execute('let protoSteps = 0');
    const running = execute('while (true) { await new Promise(r => setTimeout(r, 5)); protoSteps++ }');
    const queued = execute('protoSteps = -1');
    await new Promise((r) => setTimeout(r, 60));
    void client.sendNotification(InterruptNotification.type);
    const [a, b] = await Promise.all([running, queued]);
    assert.deepEqual([a.interrupted, a.error?.message, b.interrupted], [true, 'Interrupted', true]);
    const later = await execute('protoSteps');
    assert.ok(later.success);
    assert.ok(Number(displays[displays.length - 1].items[0].data) > 0, 'steps made before the interrupt are kept');
  });

  it('answers shutdown, then exits', async () => {
    assert.deepEqual(await client.sendRequest(ShutdownRequest.type, undefined), { ok: true });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(exits, [0]);
  });
});
