/**
 * The kernel process (bundled as dist/kernel.js): JSON-RPC over stdin/stdout with the extension or the
 * headless runner. Nothing but protocol messages may reach the real stdout, so the JSON-RPC writer keeps
 * the original stdout writer and everything else written to stdout/stderr is captured for the cells.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { KernelServer } from './kernelServer';

const writeStdout = process.stdout.write.bind(process.stdout);

const protocolOut = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    writeStdout(chunk, (error) => callback(error ?? null));
  },
});
process.stdout.on('error', () => process.exit(0)); // the client is gone

const connection = createMessageConnection(
  new StreamMessageReader(process.stdin),
  new StreamMessageWriter(protocolOut),
);

const server = new KernelServer(connection, {
  kernelDir: __dirname,
  // bundled: this file; from source: this file and kernel/cells/
  internalPaths: [__filename, join(__dirname, '..', 'cells') + '/'],
  captureOutput: true,
  changeDirectory: true,
  exit: (code) => process.exit(code),
});

process.on('uncaughtException', (error) => server.reportBackgroundError(error));
process.on('unhandledRejection', (reason) => server.reportBackgroundError(reason));

connection.listen();
