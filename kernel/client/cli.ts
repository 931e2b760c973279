/**
 * The headless runner (bundled as dist/cli.js, the `tunebook` command):
 *   tunebook run <in.ftnb> [--out <out.ftnb>] [--backend <name>] [--keep-going] [--timeout <s>]
 * Runs every code cell through the same kernel and protocol as VS Code, prints the outputs, and writes
 * the executed notebook. Exit codes: 0 all cells succeeded, 1 a cell failed, 2 usage or format error.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FtnbFormatError, parseFtnb, serializeFtnb, type FtnbNotebook } from '../format/ftnb';
import { BACKEND_CHOICES, isBackendChoice, type BackendChoice, type ExecuteCellResult } from '../protocol';
import { KernelClient } from './kernelClient';
import { errorText, outputText } from './headless/outputText';
import { runNotebook, type RunReporter } from './headless/runNotebook';
import { UsageError } from './headless/usageError';

const HELP = `Usage: tunebook run <notebook.ftnb> [options]

Runs every code cell of a Tunebook notebook in a fresh kernel, prints the outputs,
and optionally writes the executed notebook.

Options:
  --out <file.ftnb>   write the notebook with outputs and execution records
  --backend <name>    ${BACKEND_CHOICES.join(' | ')} (default: $TUNEBOOK_BACKEND or auto)
  --keep-going        run the remaining cells after a cell fails
  --timeout <seconds> interrupt and fail a cell that runs longer than this
  -h, --help          show this help

Exit codes: 0 all cells succeeded, 1 a cell failed, 2 usage or notebook format error.
Ctrl-C interrupts the running cell; press it again to stop at once.
`;

interface RunArgs {
  input: string;
  out?: string;
  backend: BackendChoice;
  keepGoing: boolean;
  timeoutSeconds?: number;
}

export function parseArgs(argv: string[]): RunArgs | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (command !== 'run')
    throw new UsageError(`Unknown command '${command}'. The only command is 'run'; see tunebook --help.`);
  const args: Partial<RunArgs> = { keepGoing: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value; see tunebook --help.`);
      return v;
    };
    if (arg === '--out') args.out = value();
    else if (arg === '--keep-going') args.keepGoing = true;
    else if (arg === '--backend') {
      const name = value();
      if (!isBackendChoice(name))
        throw new UsageError(`Unknown backend '${name}'; choose one of ${BACKEND_CHOICES.join(', ')}.`);
      args.backend = name as BackendChoice;
    } else if (arg === '--timeout') {
      const text = value();
      const seconds = Number(text);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new UsageError(`--timeout takes a positive number of seconds, not '${text}'.`);
      args.timeoutSeconds = seconds;
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option '${arg}'; see tunebook --help.`);
    else if (args.input === undefined) args.input = arg;
    else throw new UsageError(`Only one notebook can be run at a time; got '${args.input}' and '${arg}'.`);
  }
  if (args.input === undefined) throw new UsageError('Which notebook? Usage: tunebook run <notebook.ftnb> [options]');
  const envBackend = (process.env.TUNEBOOK_BACKEND ?? '').trim();
  if (args.backend === undefined && envBackend !== '' && !isBackendChoice(envBackend)) {
    throw new UsageError(
      `TUNEBOOK_BACKEND='${envBackend}' is not a backend; choose one of ${BACKEND_CHOICES.join(', ')}.`,
    );
  }
  args.backend ??= envBackend === '' ? 'auto' : (envBackend as BackendChoice);
  return args as RunArgs;
}

function readNotebook(path: string): FtnbNotebook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read the notebook ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
  return parseFtnb(text, path);
}

function terminalReporter(): RunReporter {
  const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const replaced = new Map<string, string>();
  return {
    cellStarted: (index, cell) => {
      replaced.clear();
      const firstLine = cell.source.split('\n').find((l) => l.trim() !== '') ?? '';
      out(`\n── Cell ${index + 1} ── ${firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine}`);
    },
    stream: (stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
    display: (outputId, op, items) => {
      if (op === 'append') out(outputText(items));
      else replaced.set(outputId, outputText(items));
    },
    cellFinished: (_index, result: ExecuteCellResult, outputs) => {
      for (const text of replaced.values()) out(`(updated) ${text}`);
      if (!result.success && result.error && !outputs.hasError())
        process.stderr.write(`${errorText(JSON.stringify(result.error))}\n`);
      const seconds = (result.durationMs / 1000).toFixed(result.durationMs < 10_000 ? 2 : 0);
      out(
        result.success ? `✓ ${seconds} s` : `✗ failed after ${seconds} s${result.interrupted ? ' (interrupted)' : ''}`,
      );
    },
    cellSkipped: (index, _cell, why) => out(`\n── Cell ${index + 1} ── skipped: ${why}`),
  };
}

async function run(args: RunArgs): Promise<number> {
  const inputPath = resolve(args.input);
  const notebook = readNotebook(inputPath);
  const client = await KernelClient.start({ notebookDir: dirname(inputPath), backend: args.backend });
  client.onDidLog((entry) => {
    if (entry.level === 'error') process.stderr.write(`[kernel] ${entry.message}\n`);
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nInterrupting the running cell (press Ctrl-C again to stop at once)...\n');
      void client.interrupt();
    } else {
      void client.dispose().finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const summary = await runNotebook(
      client,
      notebook,
      { keepGoing: args.keepGoing, timeoutSeconds: args.timeoutSeconds, stopRequested: () => interrupts > 0 },
      terminalReporter(),
    );
    if (args.out) writeNotebookAtomically(resolve(args.out), serializeFtnb(summary.notebook));
    const verdict = summary.failed === 0 ? 'all succeeded' : `${summary.failed} failed`;
    process.stdout.write(
      `\n${summary.ran} code cell${summary.ran === 1 ? '' : 's'} ran, ${verdict}${args.out ? `; wrote ${args.out}` : ''}.\n`,
    );
    return summary.failed === 0 && interrupts === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await client.dispose();
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(HELP);
      return argv.length === 0 ? 2 : 0;
    }
    return await run(args);
  } catch (error) {
    if (error instanceof UsageError || error instanceof FtnbFormatError) {
      process.stderr.write(`tunebook: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`tunebook: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/** Creates the folder if needed and replaces the file in one rename, so a crash never leaves half a notebook. */
function writeNotebookAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
