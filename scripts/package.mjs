// `npm run package [-- --target <vscode-target>]`: builds dist/, stages the runtime packages esbuild cannot
// inline (LanceDB's native module and what it requires) into dist/node_modules, and packs a platform-specific
// `tunebook-<target>-<version>.vsix` with vsce (.vscodeignore picks the files). Prints the file and its size.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageRuntimePackages } from './packageRuntime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targetIndex = process.argv.indexOf('--target');
const target = targetIndex > 0 ? process.argv[targetIndex + 1] : 'linux-x64';
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsixName = `tunebook-${target}-${version}.vsix`;

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`package: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

step(process.execPath, [join(root, 'scripts', 'build.mjs')]);
const staged = stageRuntimePackages(root, join(root, 'dist'), target);
console.log(`package: staged into dist/node_modules: ${staged.join(', ')}`);
const nativeAddon = join(root, 'dist', 'native');
console.log(
  existsSync(nativeAddon)
    ? 'package: including the native engine addon (dist/native)'
    : 'package: no dist/native (native engine addon not built); packing without it',
);

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
step(process.execPath, [
  vsce,
  'package',
  '--no-dependencies',
  '--no-rewrite-relative-links',
  '--target',
  target,
  '--out',
  vsixName,
]);
const mib = statSync(join(root, vsixName)).size / 2 ** 20;
console.log(`package: ${vsixName} ${mib.toFixed(1)} MiB`);
