// Bundles the extension, the kernel, the engine, the CLI and the webviews into dist/ with esbuild.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

/** Native addons (TensorFlow bindings, Dawn's WebGPU bindings, the LanceDB vector database) are resolved from node_modules at run time, never bundled. */
const optionalNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu', '@lancedb/lancedb'];

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  { entry: 'extension/extension.ts', out: 'dist/extension.js', opts: { ...node, external: ['vscode'] } },
  {
    entry: 'kernel/server/main.ts',
    out: 'dist/kernel.js',
    opts: { ...node, external: ['./engine.js', ...optionalNative] },
  },
  { entry: 'kernel/engine/index.ts', out: 'dist/engine.js', opts: { ...node, external: optionalNative } },
  { entry: 'kernel/client/cli.ts', out: 'dist/cli.js', opts: { ...node, banner: { js: '#!/usr/bin/env node' } } },
];
for (const panel of ['freezeMap', 'promptCompare', 'ranking']) {
  builds.push({
    entry: `webviews/${panel}/index.ts`,
    out: `dist/webviews/${panel}.js`,
    opts: {
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'warning',
      absWorkingDir: root,
    },
  });
}

const present = builds.filter((b) => existsSync(join(root, b.entry)));
await Promise.all(
  present.map(async (b) => {
    const options = { ...b.opts, entryPoints: [b.entry], outfile: b.out };
    if (watch) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    } else {
      await esbuild.build(options);
    }
  }),
);

// The wasm backend loads its .wasm binaries from disk next to the engine bundle.
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const wasmOut = join(dist, 'wasm');
mkdirSync(wasmOut, { recursive: true });
for (const f of readdirSync(join(wasmDir, 'dist')).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDir, 'dist', f), join(wasmOut, f));
}
console.log(`built ${present.map((b) => b.out).join(', ')}`);

// The native backend's addon (OpenBLAS); records why when it cannot be built, never fails the build.
if (!watch) await import('./build-native.mjs');
