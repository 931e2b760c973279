// `npm run lint`: ESLint (type-aware), the Prettier check, the layering rules (dependency-cruiser) and the
// unique-class-name check. Runs all four, prints each result and its time, and fails if any failed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

const checks = [
  ['eslint', bin('eslint'), ['extension', 'kernel', 'webviews', 'test']],
  ['prettier --check', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
  [
    'dependency-cruiser',
    bin('depcruise'),
    ['extension', 'kernel', 'webviews', 'test', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
  ],
  ['unique class names', process.execPath, [join(root, 'scripts', 'check-unique-classes.mjs')]],
];

const results = [];
for (const [name, command, args] of checks) {
  const started = Date.now();
  const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (error) console.error(`[lint] could not run ${name}: ${error.message}`);
  results.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
}
for (const r of results)
  console.log(`[lint] ${r.ok ? 'ok    ' : 'FAILED'} ${r.seconds.toFixed(1).padStart(6)} s  ${r.name}`);
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`[lint] ${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.name).join(', ')}`);
  process.exitCode = 1;
}
