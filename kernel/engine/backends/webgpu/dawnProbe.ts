/**
 * Dawn explains a missing adapter only on the native stderr ("Warning: Couldn't load Vulkan: libvulkan.so.1:
 * cannot open shared object file …"), which JavaScript cannot capture in-process. The probe asks for an
 * adapter in a short-lived child Node process and returns what Dawn printed there, so the fallback reason can
 * quote it. `auto` runs it first (preflight.ts), so Dawn is loaded in-process only where an adapter exists;
 * the child also says what the adapter is, so a software one is skipped without loading Dawn here.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { AdapterInfoLike } from './dawn';

export interface DawnProbeResult {
  /** Whether the child got an adapter (it should agree with the in-process request). */
  readonly found: boolean | null;
  /** The adapter the child got, when it got one. */
  readonly info?: AdapterInfoLike;
  /** Dawn's messages, one line each, without its C++ source locations. */
  readonly messages: readonly string[];
}

const CHILD = `
const [url, flags] = JSON.parse(process.argv[1]);
const { create } = await import(url);
const adapter = await create(flags).requestAdapter({ powerPreference: 'high-performance' });
const i = adapter?.info ?? {};
const info = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter ?? adapter?.isFallbackAdapter };
process.stdout.write(JSON.stringify(adapter == null ? { found: false } : { found: true, info }));
process.exit(0);
`;

/** Dawn's stderr lines, minus stack/source-location lines and blanks. */
export function dawnMessages(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at ') && !/^\(node:\d+\)/.test(line));
}

/** Runs the probe with `dawnPath` (the resolved `webgpu` entry file); never throws. */
export function probeDawn(dawnPath: string, flags: readonly string[], timeoutMs = 15_000): Promise<DawnProbeResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(
        process.execPath,
        ['--input-type=module', '-e', CHILD, JSON.stringify([pathToFileURL(dawnPath).href, flags])],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        },
      );
    } catch (err) {
      resolve({ found: null, messages: [`the adapter probe could not start (${(err as Error).message})`] });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ found: null, messages: [`the adapter probe failed (${err.message})`] });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let found: boolean | null = null;
      let info: AdapterInfoLike | undefined;
      try {
        ({ found, info } = JSON.parse(stdout) as { found: boolean; info?: AdapterInfoLike });
      } catch {
        found = null;
      }
      const messages = dawnMessages(stderr);
      if (found === null && signal)
        messages.push(
          `the adapter probe was killed (${signal}${signal === 'SIGKILL' ? `, no answer in ${timeoutMs} ms` : ''})`,
        );
      else if (found === null && code !== 0) messages.push(`the adapter probe exited with code ${code}`);
      resolve(info === undefined ? { found, messages } : { found, info, messages });
    });
  });
}
