// The npm packages the extension loads at run time that esbuild cannot inline (native modules and what they
// require), for one VS Code target platform; copied into dist/node_modules so dist/engine.js resolves them
// inside the installed extension.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

export class RuntimePackageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RuntimePackageError';
  }
}

/** VS Code target → the LanceDB platform package holding its native module. */
export const LANCEDB_PLATFORM_PACKAGES = {
  'linux-x64': '@lancedb/lancedb-linux-x64-gnu',
  'linux-arm64': '@lancedb/lancedb-linux-arm64-gnu',
  'alpine-x64': '@lancedb/lancedb-linux-x64-musl',
  'alpine-arm64': '@lancedb/lancedb-linux-arm64-musl',
  'darwin-arm64': '@lancedb/lancedb-darwin-arm64',
  'win32-x64': '@lancedb/lancedb-win32-x64-msvc',
  'win32-arm64': '@lancedb/lancedb-win32-arm64-msvc',
};

/** Packages loaded with require() at run time (marked external in scripts/build.mjs). */
const RUNTIME_ROOTS = ['@lancedb/lancedb'];

/** Type declarations, sources, maps and docs are not needed to run; licences are kept. */
export function isRuntimeFile(path) {
  const name = basename(path);
  if (/^(license|licence|notice)/i.test(name)) return true;
  if (name === 'package.json') return true;
  if (/\.d\.[cm]?ts$/.test(name) || /\.map$/.test(name) || /\.tsx?$/.test(name)) return false;
  return /\.([cm]?js|json|node|wasm)$/.test(name) || /\.so(\.\d+)*$/.test(name);
}

function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** The folder of `name` as Node resolves it from `fromDir` (walking up node_modules folders). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The packages (folder → name) reachable from the runtime roots: `dependencies` and `peerDependencies` of each,
 * and of the optional ones only the native package for `target` (LanceDB's embedding providers stay out).
 * `@types/*` never run.
 */
export function runtimeClosure(root, target) {
  const platformPackage = LANCEDB_PLATFORM_PACKAGES[target];
  if (!platformPackage) {
    throw new RuntimePackageError(
      `unknown target '${target}'; LanceDB ships native modules for ${Object.keys(LANCEDB_PLATFORM_PACKAGES).join(', ')}`,
    );
  }
  const found = new Map();
  const queue = RUNTIME_ROOTS.map((name) => ({ name, from: root, requiredBy: 'package.json' }));
  while (queue.length > 0) {
    const { name, from, requiredBy } = queue.shift();
    if (name.startsWith('@types/')) continue;
    const dir = packageDir(name, from);
    if (!dir) {
      const hint =
        name === platformPackage
          ? ` (install it for this target: npm install --no-save --force ${name}@<lancedb version>)`
          : '';
      throw new RuntimePackageError(
        `${name}, needed by ${requiredBy} at run time, is not installed in node_modules${hint}`,
      );
    }
    if (found.has(dir)) continue;
    found.set(dir, name);
    const manifest = readManifest(dir);
    const next = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
    if (Object.keys(manifest.optionalDependencies ?? {}).includes(platformPackage)) next.push(platformPackage);
    for (const dep of next) queue.push({ name: dep, from: dir, requiredBy: name });
  }
  return found;
}

/**
 * Copies the runtime closure into `<dist>/node_modules` (replacing what was there), keeping the nesting npm chose
 * (`node_modules/a/node_modules/b` stays so), so each package resolves the versions it resolves here.
 * Returns the staged folders relative to dist.
 */
export function stageRuntimePackages(root, dist, target) {
  const closure = runtimeClosure(root, target);
  rmSync(join(dist, 'node_modules'), { recursive: true, force: true });
  const staged = [];
  for (const dir of closure.keys()) {
    const rel = relative(root, dir);
    if (!rel.startsWith('node_modules/'))
      throw new RuntimePackageError(`${dir} is outside ${root}/node_modules; cannot stage it`);
    const dest = join(dist, rel);
    staged.push(rel);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(dir, dest, {
      recursive: true,
      dereference: true,
      filter: (src) => {
        if (src === dir) return true;
        const rel = src.slice(dir.length + 1);
        if (rel.split('/').includes('node_modules')) return false;
        return statSync(src).isDirectory() || isRuntimeFile(src);
      },
    });
  }
  return staged.sort();
}
