// Rebuilds dist/kernel.js and dist/cli.js when a kernel source is newer. Run under flock by ensureBuilt.ts,
// so parallel test files build once. Uses scripts/build.mjs; if that fails (another area mid-edit), builds
// just the kernel and the CLI with the same esbuild options.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const inputs = [
  'kernel/server',
  'kernel/protocol',
  'kernel/engine/runtime/kernelBridge.ts',
  'kernel/cells',
  'kernel/client',
  'kernel/format',
];
const outputs = ['dist/kernel.js', 'dist/cli.js'];

function newest(path) {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(full).map((name) => newest(join(path, name))));
}

const sourceTime = Math.max(...inputs.map(newest));
const builtTime = Math.min(...outputs.map((p) => (existsSync(join(root, p)) ? statSync(join(root, p)).mtimeMs : 0)));
if (builtTime >= sourceTime) process.exit(0);

try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
} catch {
  process.stderr.write(
    'buildIfStale: scripts/build.mjs failed (another area does not build yet); building kernel and CLI only.\n',
  );
  const esbuild = await import('esbuild');
  const node = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
  };
  const optionalNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
  await esbuild.build({
    ...node,
    entryPoints: ['kernel/server/main.ts'],
    outfile: 'dist/kernel.js',
    external: ['./engine.js', ...optionalNative],
  });
  await esbuild.build({
    ...node,
    entryPoints: ['kernel/client/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  });
}
