// A tiny test runner for the extension host: suites of async tests, each with a bounded
// timeout and `afterEach` cleanup. Tests run one at a time in declaration order.
import type { TestResult } from './testResult';

type Fn = () => Promise<void> | void;
interface TestCase {
  name: string;
  fn: Fn;
  timeoutMs: number;
}
interface Suite {
  name: string;
  tests: TestCase[];
  afterEach: Fn[];
}

const suites: Suite[] = [];
let current: Suite | undefined;
const DEFAULT_TIMEOUT_MS = 60_000;

export function suite(name: string, declare: () => void): void {
  current = { name, tests: [], afterEach: [] };
  suites.push(current);
  try {
    declare();
  } finally {
    current = undefined;
  }
}

export function test(name: string, fn: Fn, opts: { timeoutMs?: number } = {}): void {
  if (!current) throw new Error(`test("${name}") must be declared inside suite()`);
  current.tests.push({ name, fn, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

export function afterEach(fn: Fn): void {
  if (!current) throw new Error('afterEach() must be declared inside suite()');
  current.afterEach.push(fn);
}

async function withTimeout(fn: Fn, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export async function runAll(log: (line: string) => void): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const s of suites) {
    log(`suite: ${s.name}`);
    for (const t of s.tests) {
      const started = Date.now();
      let error: string | undefined;
      try {
        await withTimeout(t.fn, t.timeoutMs, `test "${t.name}"`);
      } catch (err) {
        error = describeError(err);
      }
      for (const hook of s.afterEach) {
        try {
          await withTimeout(hook, 30_000, `afterEach of "${t.name}"`);
        } catch (err) {
          error = (error ? `${error}\n` : '') + `afterEach failed: ${describeError(err)}`;
        }
      }
      const durationMs = Date.now() - started;
      results.push({ suite: s.name, name: t.name, status: error ? 'failed' : 'passed', durationMs, error });
      log(`  ${error ? 'FAIL' : 'ok  '} ${t.name} (${durationMs} ms)${error ? `\n${error}` : ''}`);
    }
  }
  return results;
}
