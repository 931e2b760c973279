// Builds the native backend's Node-API addon (kernel/engine/backends/native) with node-gyp against OpenBLAS
// and puts it, with the OpenBLAS libraries it loads, into dist/native/ (the addon's rpath is $ORIGIN, so an
// installed extension needs no OpenBLAS of its own). Never fails: without a compiler, node-gyp or OpenBLAS it
// writes the reason to dist/native/build.json, which the backend ladder reports as "native skipped: <reason>".
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'kernel', 'engine', 'backends', 'native');
const out = join(root, 'dist', 'native');
const addonName = 'tunebook_native.node';
const include = process.env.TUNEBOOK_OPENBLAS_INCLUDE || '/usr/include/x86_64-linux-gnu/openblas-pthread';
const libdir = process.env.TUNEBOOK_OPENBLAS_LIBDIR || '/usr/lib/x86_64-linux-gnu';

function record(status) {
  mkdirSync(out, { recursive: true });
  // A failed or skipped build must not leave an older addon behind for the ladder to load.
  if (!status.built) rmSync(join(out, addonName), { force: true });
  writeFileSync(join(out, 'build.json'), JSON.stringify({ ...status, date: new Date().toISOString() }, null, 2) + '\n');
  console.log(
    status.built
      ? `native addon built: ${join('dist', 'native', addonName)}`
      : `native addon not built: ${status.reason}`,
  );
}

/** node-gyp: npm's own copy (beside this node or named by npm), else one on PATH. */
function nodeGypCommand() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ].filter(Boolean);
  const js = candidates.find((p) => existsSync(p));
  if (js) return [process.execPath, [js]];
  const onPath = spawnSync('node-gyp', ['--version'], { encoding: 'utf8' });
  return onPath.status === 0 ? ['node-gyp', []] : null;
}

/** The shared libraries libopenblas pulls in that a user's machine may lack (not libc/libm/libgcc_s). */
function bundledLibraries(addon) {
  const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' });
  if (ldd.status !== 0) return [];
  const wanted = /^(libopenblas|libgfortran|libquadmath)/;
  return [...ldd.stdout.matchAll(/^\s*(\S+) => (\/\S+)/gm)]
    .filter((m) => wanted.test(m[1]))
    .map((m) => ({ soname: m[1], path: m[2] }));
}

/** True when dist/native has an addon newer than every source file (skip the 15 s rebuild). */
function upToDate() {
  const addon = join(out, addonName);
  if (!existsSync(addon) || !existsSync(join(out, 'build.json'))) return false;
  if (!JSON.parse(readFileSync(join(out, 'build.json'), 'utf8')).built) return false;
  const builtAt = statSync(addon).mtimeMs;
  const sources = [
    join(source, 'binding.gyp'),
    fileURLToPath(import.meta.url),
    ...readdirSync(join(source, 'src')).map((f) => join(source, 'src', f)),
  ];
  return sources.every((f) => statSync(f).mtimeMs <= builtAt);
}

function build() {
  if (process.env.TUNEBOOK_SKIP_NATIVE) return record({ built: false, reason: 'TUNEBOOK_SKIP_NATIVE is set' });
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return record({ built: false, reason: `no native build for ${process.platform}-${process.arch} (linux-x64 only)` });
  }
  if (!existsSync(join(include, 'cblas.h')))
    return record({
      built: false,
      reason: `OpenBLAS headers not found (${join(include, 'cblas.h')}; install libopenblas-dev)`,
    });
  if (upToDate()) return console.log('native addon up to date: dist/native/tunebook_native.node');
  if (!existsSync(join(libdir, 'libopenblas.so')))
    return record({
      built: false,
      reason: `OpenBLAS library not found (${join(libdir, 'libopenblas.so')}; install libopenblas-dev)`,
    });
  const gyp = nodeGypCommand();
  if (!gyp) return record({ built: false, reason: 'node-gyp not found (it ships with npm)' });
  const nodedir = process.env.npm_config_nodedir || (existsSync('/usr/include/node/common.gypi') ? '/usr' : undefined);
  const args = [...gyp[1], 'rebuild', '--directory', source, ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const run = spawnSync(gyp[0], args, {
    encoding: 'utf8',
    env: { ...process.env, TUNEBOOK_OPENBLAS_INCLUDE: include, TUNEBOOK_OPENBLAS_LIBDIR: libdir, JOBS: '2' },
  });
  const built = join(source, 'build', 'Release', addonName);
  if (run.status !== 0 || !existsSync(built)) {
    const tail = `${run.stderr ?? ''}${run.stdout ?? ''}`
      .trim()
      .split('\n')
      .filter((l) => /error|not found|No such/i.test(l))
      .slice(-3)
      .join(' | ');
    return record({
      built: false,
      reason: `node-gyp failed (exit ${run.status ?? run.error?.message})${tail ? `: ${tail}` : ''}`,
    });
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  copyFileSync(built, join(out, addonName));
  const libs = bundledLibraries(built);
  for (const lib of libs) copyFileSync(realpathSync(lib.path), join(out, lib.soname));
  const check = spawnSync('ldd', [join(out, addonName)], { encoding: 'utf8' }).stdout ?? '';
  const outside = libs.filter(
    (lib) => !new RegExp(`${lib.soname.replace(/\./g, '\\.')} => ${out.replace(/[.+]/g, '\\$&')}/`).test(check),
  );
  if (outside.length > 0) {
    return record({
      built: true,
      bundled: libs.map((l) => l.soname),
      warning: `still resolved outside dist/native: ${outside.map((l) => l.soname).join(', ')}`,
    });
  }
  record({ built: true, bundled: libs.map((l) => l.soname) });
}

try {
  build();
} catch (err) {
  record({ built: false, reason: `build script error: ${err instanceof Error ? err.message : String(err)}` });
}
