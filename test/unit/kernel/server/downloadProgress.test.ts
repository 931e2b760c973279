/** A Hub download's progress reaches the client as models/downloadProgress, tagged with the running cell. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, it } from 'node:test';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { KernelServer } from '../../../../kernel/server/kernelServer';
import {
  ExecuteCellRequest,
  InitializeRequest,
  ModelDownloadProgressNotification,
  PROTOCOL_VERSION,
  type ModelDownloadProgressParams,
} from '../../../../kernel/protocol';
import { repoRoot } from '../helpers/ensureBuilt';

let client: MessageConnection;
let kernel: MessageConnection;
let session: KernelServer;
const received: ModelDownloadProgressParams[] = [];

before(async () => {
  const toKernel = new PassThrough();
  const toClient = new PassThrough();
  kernel = createMessageConnection(new StreamMessageReader(toKernel), new StreamMessageWriter(toClient));
  client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toKernel));
  session = new KernelServer(kernel, {
    kernelDir: join(repoRoot, 'kernel'),
    internalPaths: [join(repoRoot, 'kernel', 'cells')],
    captureOutput: false,
    changeDirectory: false,
    exit: () => undefined,
  });
  client.onNotification(ModelDownloadProgressNotification.type, (p) => received.push(p));
  kernel.listen();
  client.listen();
  await client.sendRequest(InitializeRequest.type, {
    protocolVersion: PROTOCOL_VERSION,
    notebookDir: repoRoot,
    backend: 'cpu',
  });
});

after(() => {
  session.dispose();
  client.dispose();
  kernel.dispose();
});

it('the bridge the engine reads sends models/downloadProgress with the executing cell id', async () => {
  // What resolveSource does inside a kernel (the engine bundle finds the bridge on globalThis).
  const code = `
    const bridge = (globalThis as any)[Symbol.for('tunebook.kernel')];
    const base = { source: 'acme/tiny', revision: 'main', file: 'model.safetensors', fileTotal: 100, total: 120, files: 2 };
    bridge.reportDownload({ ...base, fileBytes: 40, bytes: 60, filesDone: 1, state: 'running' });
    bridge.reportDownload({ ...base, fileBytes: 100, bytes: 120, filesDone: 2, state: 'done', commit: 'c0ffee' });
  `;
  const result = await client.sendRequest(ExecuteCellRequest.type, { executionId: 'dl-1', code, cellName: 'Cell 1' });
  assert.equal(result.success, true, JSON.stringify(result.error));
  for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  const base = {
    executionId: 'dl-1',
    source: 'acme/tiny',
    revision: 'main',
    file: 'model.safetensors',
    fileTotal: 100,
    total: 120,
    files: 2,
  };
  assert.deepEqual(received, [
    { ...base, fileBytes: 40, bytes: 60, filesDone: 1, state: 'running' },
    { ...base, fileBytes: 100, bytes: 120, filesDone: 2, state: 'done', commit: 'c0ffee' },
  ]);
});
