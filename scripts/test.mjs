// `npm test`: lint, build, typecheck, unit tests, then (unless --unit) the VS Code integration and UI suites.
// `--vscode` skips the unit tests (for working on the VS Code suites).
// Prints a timing per phase and ends with exactly one line: `tests: N passed, N failed[, N skipped]`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const unitOnly = process.argv.includes('--unit');
const vscodeOnly = process.argv.includes('--vscode');

const MINUTE = 60_000;
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];
const running = new Set();

/** Every descendant of `rootPid`, from /proc (processes that left the group, e.g. Chromium, included). */
function descendantsOf(rootPid) {
  const children = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited meanwhile
    }
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length) for (const pid of children.get(queue.shift()) ?? []) (found.push(pid), queue.push(pid));
  return found;
}

function sendSignal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Kills a child's process group and all its descendants: SIGTERM first so they clean up, then SIGKILL. */
async function killTree(child, graceMs = 5000) {
  const pids = descendantsOf(child.pid);
  sendSignal(-child.pid, 'SIGTERM');
  for (const pid of pids) sendSignal(pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, graceMs));
  sendSignal(-child.pid, 'SIGKILL');
  for (const pid of [...pids, ...descendantsOf(child.pid)]) sendSignal(pid, 'SIGKILL');
}

function killNow(child) {
  const pids = descendantsOf(child.pid);
  sendSignal(-child.pid, 'SIGKILL');
  for (const pid of pids) sendSignal(pid, 'SIGKILL');
}
process.on('exit', () => running.forEach(killNow));
for (const [sig, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.once(sig, () => {
    running.forEach(killNow);
    process.exit(code);
  });
}

/** Runs a command in its own process group, streaming its output; kills the group at the deadline. */
function run(command, args, { timeoutMs, env = {} }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    });
    running.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n[test] ${command} ${args.join(' ')} ran past ${timeoutMs / MINUTE} min; stopping it`);
      void killTree(child);
    }, timeoutMs);
    child.on('error', (err) => {
      console.error(`[test] could not start ${command}: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Reap anything the child left behind in its group (servers, kernels).
      sendSignal(-child.pid, 'SIGKILL');
      running.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

async function phase(name, fn) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  let ok = false;
  try {
    ok = await fn();
  } catch (err) {
    console.error(`[test] ${name} failed: ${err instanceof Error ? err.stack : err}`);
  }
  const seconds = (Date.now() - started) / 1000;
  timings.push({ name, seconds, ok });
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s ===`);
  return ok;
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

/** Reads node:test's TAP summary (`# pass N` ...). */
function tapCounts(tapFile) {
  const text = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (key) => {
    const matches = [...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))];
    return matches.length ? Number(matches[matches.length - 1][1]) : undefined;
  };
  const pass = count('pass');
  if (pass === undefined) return undefined;
  return {
    passed: pass,
    failed: (count('fail') ?? 0) + (count('cancelled') ?? 0),
    skipped: (count('skipped') ?? 0) + (count('todo') ?? 0),
  };
}

/** Runs test files with node:test: spec to stdout, TAP to a file that is then counted. */
async function nodeTests(label, files, timeoutMs, extraArgs = [], env = {}) {
  if (files.length === 0) {
    console.log(`[test] no ${label} test files found`);
    return true;
  }
  const tapFile = join(resultsDir, `${label}.tap`);
  rmSync(tapFile, { force: true });
  const args = [
    '--import',
    'tsx',
    '--test',
    ...extraArgs,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files.map((f) => relative(root, f)),
  ];
  const { code, timedOut } = await run(process.execPath, args, { timeoutMs, env });
  const counts = tapCounts(tapFile);
  if (!counts) {
    console.error(`[test] ${label}: the test runner produced no summary (exit code ${code})`);
    totals.failed += 1;
    return false;
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  console.log(`[test] ${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  if ((code !== 0 || timedOut) && counts.failed === 0) {
    console.error(
      `[test] ${label}: runner exited with code ${code}${timedOut ? ' (timed out)' : ''} although no test failed`,
    );
    totals.failed += 1;
    return false;
  }
  return code === 0 && counts.failed === 0;
}

/** A phase that is not a test itself but without which tests cannot run counts as one failure. */
async function step(name, command, args, timeoutMs) {
  const ok = await phase(name, async () => (await run(command, args, { timeoutMs })).code === 0);
  if (!ok) totals.failed += 1;
  return ok;
}

mkdirSync(resultsDir, { recursive: true });
// ESLint, Prettier check, layering rules, unique class names (scripts/lint.mjs); a failure counts as one.
await step('lint', process.execPath, ['scripts/lint.mjs'], 10 * MINUTE);
const built = await step('build', process.execPath, ['scripts/build.mjs'], 10 * MINUTE);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const project of ['kernel', 'extension', 'webviews', 'test']) {
  await step(`typecheck ${project}/ (tsc --strict)`, process.execPath, [tsc, '-p', project], 10 * MINUTE);
}
if (!vscodeOnly) {
  // A hung unit test fails after 5 minutes instead of holding the whole run.
  await phase('unit tests', () =>
    nodeTests('unit', findTests(join(root, 'test', 'unit')), 25 * MINUTE, ['--test-timeout=300000']),
  );
  // The engine's tests again on the native backend (testBackend.ts reads TUNEBOOK_TEST_BACKEND), when the addon is built.
  if (existsSync(join(root, 'dist', 'native', 'tunebook_native.node'))) {
    await phase('unit tests (engine on native)', () =>
      nodeTests(
        'unit-engine-native',
        findTests(join(root, 'test', 'unit', 'kernel', 'engine')),
        25 * MINUTE,
        ['--test-timeout=300000'],
        { TUNEBOOK_TEST_BACKEND: 'native' },
      ),
    );
  } else {
    console.log('[test] engine tests on native not run: the native addon is not built (see dist/native/build.json)');
  }
}

if (!unitOnly) {
  const ready = await step(
    'setup VS Code (code-server, Node 24, Chromium)',
    'bash',
    ['scripts/setup-vscode.sh'],
    20 * MINUTE,
  );
  if (built && ready) {
    await phase('integration tests (extension host in code-server)', () =>
      nodeTests('integration', [join(root, 'test', 'integration', 'extensionHost.test.ts')], 20 * MINUTE),
    );
    rmSync(join(resultsDir, 'ui'), { recursive: true, force: true });
    await phase('UI tests (workbench in Chromium)', () =>
      nodeTests('ui', findTests(join(root, 'test', 'ui')), 25 * MINUTE),
    );
  } else {
    console.error('[test] integration and UI tests not run: the build or the VS Code setup failed');
  }
}

console.log('\nphase timings:');
for (const t of timings)
  console.log(`  ${t.ok ? 'ok    ' : 'FAILED'} ${t.seconds.toFixed(1).padStart(7)} s  ${t.name}`);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exitCode = totals.failed > 0 ? 1 : 0;
