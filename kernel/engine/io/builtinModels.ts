/**
 * The small models that ship with Tunebook (pretrained by scripts in `scripts/`, stored in Hugging Face layout
 * under `kernel/assets/models/<name>`), addressed as `tunebook/<name>` so notebooks run offline.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const BUILTIN_PREFIX = 'tunebook/';

/** Where the assets are: next to the sources (`kernel/engine/io`) or next to the bundle (`dist/engine.js`). */
function assetRoots(): string[] {
  return [join(__dirname, '..', '..', 'assets', 'models'), join(__dirname, '..', 'kernel', 'assets', 'models')];
}

export function builtinModelNames(): string[] {
  return ['tiny-gpt2', 'tiny-gpt2-icl', 'tiny-distilbert', 'tiny-vit'];
}

/** The folder of a built-in model id such as `tunebook/tiny-gpt2`, or undefined when `source` is not one. */
export function builtinModelDir(source: string): string | undefined {
  if (!source.startsWith(BUILTIN_PREFIX)) return undefined;
  const name = source.slice(BUILTIN_PREFIX.length);
  if (!/^[a-z0-9-]+$/.test(name)) return undefined;
  for (const root of assetRoots()) {
    const dir = join(root, name);
    if (existsSync(join(dir, 'config.json'))) return dir;
  }
  return undefined;
}
