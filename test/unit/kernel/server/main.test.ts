/** Cell semantics through the real kernel process (dist/kernel.js) and client. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../../kernel/client';
import { MIME } from '../../../../kernel/protocol';
import { kernelScript } from '../helpers/ensureBuilt';
import { makeNotebookDir, removeDir, runCell, startClient, valueOf } from '../helpers/kernelHarness';

describe('kernel cells', () => {
  let client: KernelClient;
  let notebookDir: string;

  before(async () => {
    notebookDir = makeNotebookDir(['greeter', 'esm-greeter']);
    client = await startClient({ notebookDir });
  });
  after(async () => {
    await client.dispose();
    removeDir(notebookDir);
  });

  it('keeps top-level declarations across cells, destructuring, functions and classes included', async () => {
    await runCell(
      client,
      'const a: number = 1;\nlet { b, c: [d] } = { b: 2, c: [3] };\nfunction sum() { return a + b + d }\nclass Box { constructor(readonly v: number) {} }',
    );
    assert.equal(await valueOf(client, 'sum() + new Box(10).v'), '16');
  });

  it('lets a later cell redeclare a name, and functions see the new value', async () => {
    await runCell(client, 'const greeting = "hello";\nfunction shout() { return greeting.toUpperCase() }');
    await runCell(client, 'let greeting = "bye"');
    assert.equal(await valueOf(client, 'shout()'), "'BYE'");
  });

  it('re-runs the same cell', async () => {
    const cell = 'let counter = (globalThis.counterRuns = (globalThis.counterRuns ?? 0) + 1);\ncounter';
    assert.equal(await valueOf(client, cell), '1');
    assert.equal(await valueOf(client, cell), '2');
  });

  it('supports top-level await and displays the final expression, not a trailing declaration', async () => {
    assert.equal(
      await valueOf(client, 'const later = await new Promise<number>((r) => setTimeout(() => r(7), 20));\nlater * 6'),
      '42',
    );
    const declaration = await runCell(client, 'const nothingShown = 5');
    assert.deepEqual(declaration.outputs.outputs, []);
    assert.equal(await valueOf(client, '({ nested: { list: [1, 2] } })'), '{ nested: { list: [ 1, 2 ] } }');
  });

  it('streams console output while the cell runs, in order with display outputs', async () => {
    const events: Array<{ kind: string; text: string; at: number }> = [];
    const started = performance.now();
    const result = await client.execute(
      {
        code: "console.log('first');\nawait new Promise(r => setTimeout(r, 400));\nconsole.error('second');\ndisplay('third');\nvoid process.stdout.write('fourth')",
        cellName: 'Cell 9',
      },
      {
        onStream: (stream, text) => events.push({ kind: stream, text, at: performance.now() - started }),
        onDisplay: (_id, _op, items) =>
          events.push({ kind: 'display', text: items[0].data, at: performance.now() - started }),
      },
    );
    assert.equal(result.success, true);
    assert.deepEqual(
      events.map((e) => [e.kind, e.text]),
      [
        ['stdout', 'first\n'],
        ['stderr', 'second\n'],
        ['display', 'third'],
        ['stdout', 'fourth'],
      ],
    );
    assert.ok(
      events[0].at < result.durationMs - 300,
      `first line arrived at ${events[0].at} ms, before the 400 ms wait ended`,
    );
  });

  it('offers the display API as cell globals, with handles that redraw in place', async () => {
    const run = await runCell(
      client,
      [
        "const md = display.markdown('loading');",
        "display.table([{ k: 'a', v: 1 }]);",
        'display.image(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));',
        'display.json({ ok: true });',
        "md.update('done');",
        "display('last')",
      ].join('\n'),
    );
    assert.equal(run.result.success, true);
    assert.deepEqual(
      run.outputs.outputs.map((o) =>
        o.items.map((i) => `${i.mime}:${i.mime === MIME.png ? i.encoding : i.data.slice(0, 12)}`),
      ),
      [
        [`${MIME.markdown}:done`],
        [`${MIME.html}:<table><thea`, `${MIME.text}:k  v\n-  -\na `],
        [`${MIME.png}:base64`, `${MIME.text}:[PNG image, `],
        [`${MIME.json}:{\n  "ok": tr`],
        [`${MIME.text}:last`],
      ],
    );
  });

  it('reports a thrown error with its message and the cell line it came from', async () => {
    const run = await runCell(
      client,
      'type T = { x: number };\nconst t: T = { x: 1 };\nfunction fail(): never {\n  throw new RangeError(`bad ${t.x}`);\n}\nfail();',
      'Cell 12',
    );
    assert.equal(run.result.success, false);
    assert.deepEqual([run.result.error?.name, run.result.error?.message], ['RangeError', 'bad 1']);
    assert.match(run.result.error!.stack!, /at fail \(Cell 12:4:9\)/);
    assert.match(run.result.error!.stack!, /Cell 12:6:1/);
    assert.doesNotMatch(run.result.error!.stack!, /kernel\.js/);
    const output = run.outputs.outputs.flatMap((o) => o.items).find((i) => i.mime === MIME.error);
    assert.equal(JSON.parse(output!.data).message, 'bad 1');
  });

  it('shows errors thrown in the background of a running cell on its stderr, and keeps the kernel alive', async () => {
    const run = await runCell(
      client,
      "setTimeout(() => { throw new Error('late timer') }, 5);\nvoid Promise.reject(new Error('lost promise'));\nawait new Promise((r) => setTimeout(r, 100));\n'still here'",
    );
    assert.equal(run.result.success, true);
    assert.match(run.stderr, /Uncaught \(in background\) Error: lost promise/);
    assert.match(run.stderr, /Uncaught \(in background\) Error: late timer\n\s+at Timeout\._onTimeout \(Cell 1:1:/);
    assert.deepEqual(run.texts, ["'still here'"]);
  });

  it('reports a syntax error with its line without running anything', async () => {
    const run = await runCell(client, 'globalThis.ranBeforeSyntaxError = true;\nconst x = ;', 'Cell 13');
    assert.equal(run.result.error?.name, 'SyntaxError');
    assert.match(run.result.error!.stack!, /Cell 13:2:/);
    assert.equal(await valueOf(client, 'typeof globalThis.ranBeforeSyntaxError'), "'undefined'");
  });

  it('imports npm packages from the notebook folder, CommonJS and ES-module-only, static and dynamic', async () => {
    await runCell(
      client,
      "import { greet, version } from 'greeter';\nimport welcome, { greet as hi } from 'esm-greeter';",
    );
    assert.equal(
      await valueOf(client, "`${greet('Ada')} ${version} ${hi('Bo')} ${welcome()}`"),
      "'Hello, Ada! 1.2.3 Hi, Bo. welcome'",
    );
    assert.equal(await valueOf(client, "const { shout } = await import('esm-greeter/shout');\nshout('x')"), "'X'");
    assert.equal(await valueOf(client, "import * as g from 'greeter';\ng.default.greet === g.greet"), 'true');
    assert.equal(await valueOf(client, "require('greeter').version"), "'1.2.3'");
  });

  it("falls back to the kernel's own packages, and explains a package that is missing", async () => {
    assert.equal(await valueOf(client, "import { Parser } from 'acorn';\ntypeof Parser"), "'function'");
    const missing = await runCell(client, "import x from 'no-such-package-xyz'");
    assert.equal(missing.result.error?.name, 'ImportError');
    assert.match(
      missing.result.error!.message,
      /Cannot find package 'no-such-package-xyz' in the notebook folder .*npm install no-such-package-xyz/,
    );
  });

  it('refuses to replace a global the kernel relies on, and says so', async () => {
    const run = await runCell(client, 'const process = 1', 'Cell 20');
    assert.equal(run.result.error?.name, 'ReservedNameError');
    assert.match(run.result.error!.message, /Cell 20 declares 'process'/);
    assert.equal(await valueOf(client, 'typeof process.pid'), "'number'");
  });

  it('runs in the notebook folder', async () => {
    const { realpathSync } = await import('node:fs');
    assert.equal(await valueOf(client, 'process.cwd()'), `'${realpathSync(notebookDir)}'`);
  });
});

describe('kernel process', () => {
  it('exits when its client goes away (stdin closed)', async () => {
    const child = spawn(process.execPath, [kernelScript], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.end();
    const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5000).unref());
    assert.equal(await Promise.race([exited, timeout]), 0);
  });
});
