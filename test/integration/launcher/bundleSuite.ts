// Bundles the in-extension-host suite (TypeScript) to one CommonJS file the extension host can load.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { repoRoot } from './paths';

export async function bundleSuite(entry: string, outfile: string): Promise<string> {
  await esbuild.build({
    entryPoints: [join(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  return outfile;
}
