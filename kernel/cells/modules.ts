/**
 * How cells import modules:
 *  - "tunebook" is the engine bundle next to the kernel (dist/engine.js), loaded on first use so the
 *    kernel starts without loading TensorFlow.js; "@tensorflow/tfjs" and "@tensorflow/tfjs-core" are the
 *    engine's own `tf`, so tensors made in cells and in the engine share one registry and backend;
 *  - Node built-ins as usual;
 *  - everything else resolves from the notebook's folder first, then from the kernel's own packages.
 */
import { existsSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';
import { CellImportError } from './cellImportError';
import { resolveEsmPackage } from './packageExports';

const ENGINE_SPECIFIER = 'tunebook';
const TF_SPECIFIERS = new Set(['@tensorflow/tfjs', '@tensorflow/tfjs-core']);

type LoadedModule = { kind: 'cjs'; exports: unknown } | { kind: 'esm'; path: string };

export class ModuleLoader {
  private notebookDir: string;
  private notebookRequire: NodeJS.Require;
  private readonly kernelRequire: NodeJS.Require;
  private engineExports: Record<string, unknown> | undefined;
  private readonly namespaces = new WeakMap<object, object>();

  /**
   * @param kernelDir folder of the kernel bundle (dist/) or, when run from source, of kernel/server/main.ts.
   */
  constructor(
    private readonly kernelDir: string,
    notebookDir: string,
  ) {
    this.kernelRequire = createRequire(join(kernelDir, 'kernel.js'));
    this.notebookDir = notebookDir;
    this.notebookRequire = createRequire(join(notebookDir, '__notebook__.js'));
  }

  setNotebookDir(dir: string): void {
    this.notebookDir = dir;
    this.notebookRequire = createRequire(join(dir, '__notebook__.js'));
  }

  /** `import x from 'spec'` / `import('spec')`: a module namespace object. */
  async import(specifier: string): Promise<unknown> {
    const loaded = this.load(specifier);
    if (specifier === ENGINE_SPECIFIER || TF_SPECIFIERS.has(specifier)) await this.backendReady();
    if (loaded.kind === 'esm') return import(pathToFileURL(loaded.path).href);
    return this.namespaceOf(loaded.exports);
  }

  /** `require('spec')` inside a cell. */
  require(specifier: string): unknown {
    const loaded = this.load(specifier);
    if (loaded.kind === 'esm') {
      throw new CellImportError(
        specifier,
        `'${specifier}' is an ES module, which require() cannot load. Use: import ... from '${specifier}'.`,
      );
    }
    return loaded.exports;
  }

  /**
   * Starts the engine's compute backend (the `tunebook.backend` choice) before a cell sees the engine, so
   * synchronous calls such as `create(config)` or `tf.tensor(...)` run on it; a backend that cannot start fails
   * the importing cell with the engine's reason.
   */
  private async backendReady(): Promise<void> {
    const ensureBackend = this.engine().ensureBackend;
    if (typeof ensureBackend === 'function') await ensureBackend();
  }

  /** The engine's exports if a cell already loaded it; never loads it. */
  loadedEngine(): Record<string, unknown> | undefined {
    return this.engineExports;
  }

  /** The engine bundle's exports, loading it on first use. */
  engine(): Record<string, unknown> {
    if (this.engineExports) return this.engineExports;
    const path = this.enginePath();
    if (!path) {
      throw new CellImportError(
        ENGINE_SPECIFIER,
        `The Tunebook engine is missing: expected ${join(this.kernelDir, 'engine.js')} next to the kernel. Rebuild Tunebook (npm run build) or reinstall the extension.`,
      );
    }
    this.engineExports = this.kernelRequire(path) as Record<string, unknown>;
    return this.engineExports;
  }

  private enginePath(): string | undefined {
    const candidates = [
      join(this.kernelDir, 'engine.js'),
      // running from source (kernel/server/) under tsx: the built engine, else its sources
      join(this.kernelDir, '..', '..', 'dist', 'engine.js'),
      join(this.kernelDir, '..', 'engine', 'index.ts'),
    ];
    return candidates.find((path) => existsSync(path));
  }

  private load(specifier: string): LoadedModule {
    if (specifier === ENGINE_SPECIFIER) return { kind: 'cjs', exports: this.engine() };
    if (TF_SPECIFIERS.has(specifier)) {
      const tf = this.engine().tf;
      if (!tf)
        throw new CellImportError(
          specifier,
          `The Tunebook engine does not export 'tf', so '${specifier}' cannot be provided.`,
        );
      return { kind: 'cjs', exports: tf };
    }
    if (isBuiltin(specifier)) return { kind: 'cjs', exports: this.kernelRequire(specifier) };

    const path = this.resolve(specifier);
    if (path.endsWith('.mjs')) return { kind: 'esm', path };
    try {
      return { kind: 'cjs', exports: this.kernelRequire(path) };
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_REQUIRE_ESM') return { kind: 'esm', path };
      throw error;
    }
  }

  private resolve(specifier: string): string {
    if (specifier.startsWith('file:')) return new URL(specifier).pathname;
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      return this.resolveWith(this.notebookRequire, specifier) ?? this.notFound(specifier, true);
    }
    for (const [require, dir] of [
      [this.notebookRequire, this.notebookDir],
      [this.kernelRequire, this.kernelDir],
    ] as const) {
      const path = this.resolveWith(require, specifier) ?? resolveEsmPackage(specifier, dir);
      if (path !== undefined) return path;
    }
    return this.notFound(specifier, false);
  }

  private resolveWith(require: NodeJS.Require, specifier: string): string | undefined {
    try {
      return require.resolve(specifier);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
      throw error;
    }
  }

  private notFound(specifier: string, relative: boolean): never {
    if (relative) {
      throw new CellImportError(
        specifier,
        `Cannot find '${specifier}' relative to the notebook folder ${this.notebookDir}.`,
      );
    }
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    throw new CellImportError(
      specifier,
      `Cannot find package '${specifier}' in the notebook folder ${this.notebookDir} (or its parents) nor among Tunebook's own packages. ` +
        `Install it next to the notebook: cd "${resolvePath(this.notebookDir)}" && npm install ${name}`,
    );
  }

  /** A CommonJS module seen as an ES module namespace: its exports plus `default` (= module.exports). */
  private namespaceOf(exports: unknown): unknown {
    if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return { default: exports };
    if (types.isModuleNamespaceObject(exports) || (exports as { __esModule?: boolean }).__esModule) return exports;
    const fixedDefault = Object.getOwnPropertyDescriptor(exports, 'default');
    if (fixedDefault && !fixedDefault.configurable) return exports;
    let namespace = this.namespaces.get(exports);
    if (!namespace) {
      namespace = new Proxy(exports, {
        get: (target, key) => (key === 'default' ? target : Reflect.get(target, key)),
        has: (target, key) => key === 'default' || Reflect.has(target, key),
      });
      this.namespaces.set(exports, namespace);
    }
    return namespace;
  }
}
