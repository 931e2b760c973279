/**
 * Finds the file an ES-module-only package exports (package.json "exports" with only an "import"
 * condition), which `require.resolve` refuses. Handles the common shapes: a string, condition objects
 * (nested), subpath keys ("." and "./x") and one-star patterns ("./*").
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const CONDITIONS = ['node', 'import', 'default'];

/** Absolute path of `specifier` (a bare package specifier) as seen from `fromDir`, or undefined. */
export function resolveEsmPackage(specifier: string, fromDir: string): string | undefined {
  const { name, subpath } = splitSpecifier(specifier);
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    const manifestPath = join(packageDir, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        exports?: unknown;
        module?: string;
        main?: string;
      };
      const target =
        manifest.exports === undefined ? legacyEntry(manifest, subpath) : exportTarget(manifest.exports, subpath);
      return target === undefined ? undefined : join(packageDir, target);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return { name: parts.slice(0, length).join('/'), subpath: rest ? `./${rest}` : '.' };
}

function legacyEntry(manifest: { module?: string; main?: string }, subpath: string): string | undefined {
  if (subpath !== '.') return subpath;
  return manifest.module ?? manifest.main ?? 'index.js';
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (typeof exports === 'string' || Array.isArray(exports) || !hasSubpathKeys(exports)) {
    return subpath === '.' ? pickCondition(exports) : undefined;
  }
  const map = exports as Record<string, unknown>;
  if (subpath in map) return pickCondition(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      const matched = subpath.slice(prefix.length, subpath.length - suffix.length);
      return pickCondition(value)?.replace(/\*/g, matched);
    }
  }
  return undefined;
}

function hasSubpathKeys(exports: unknown): boolean {
  return typeof exports === 'object' && exports !== null && Object.keys(exports).some((k) => k.startsWith('.'));
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const option of target) {
      const picked = pickCondition(option);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (CONDITIONS.includes(condition)) {
        const picked = pickCondition(value);
        if (picked !== undefined) return picked;
      }
    }
  }
  return undefined;
}
