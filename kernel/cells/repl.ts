/**
 * Runs cells in the kernel's own JavaScript realm (so tensors, Buffers and `instanceof` behave as in
 * any Node program) with REPL semantics: top-level names persist as notebook globals across cells and
 * may be declared again; top-level await; the final expression's value is the cell's value.
 */
import { Script } from 'node:vm';
import type { CellRuntime } from './cellRuntime';
import { ReservedNameError } from './reservedNameError';
import { isReservedName } from './reservedNames';
import { RUNTIME, rewriteCell, type RewrittenCell } from './rewrite';
import { typescriptToJavascript } from './transpile';

export interface CellValue {
  hasValue: boolean;
  value: unknown;
}

type CellFunction = (runtime: CellRuntime, require: (specifier: string) => unknown) => Promise<unknown>;

const CACHE_SIZE = 64;

export class Repl {
  private readonly notebookNames = new Set<string>();
  private readonly compiled = new Map<string, RewrittenCell>();

  constructor(
    private readonly runtime: CellRuntime,
    private readonly requireForCells: (specifier: string) => unknown,
  ) {}

  /** Names the notebook's cells have declared so far. */
  names(): string[] {
    return [...this.notebookNames];
  }

  async run(code: string, cellName: string): Promise<CellValue> {
    const cell = this.rewrite(code, cellName);
    for (const name of cell.declaredNames) {
      if (!this.notebookNames.has(name) && isReservedName(name)) throw new ReservedNameError(name, cellName);
    }
    for (const name of cell.declaredNames) this.declareGlobal(name);

    const publish = cell.functionNames.map((name) => `globalThis[${JSON.stringify(name)}] = ${name};`).join(' ');
    // The header is line 0 (lineOffset -1), so stack traces give cell line numbers.
    const source = `(async function (${RUNTIME}, require) { "use strict"; ${publish}${cell.openReturnBefore ? ' return (' : ''}\n${cell.body}\n})`;
    const fn = new Script(source, { filename: cellName, lineOffset: -1 }).runInThisContext() as CellFunction;
    const value = await fn(this.runtime, this.requireForCells);
    return { hasValue: cell.hasFinalExpression, value };
  }

  private rewrite(code: string, cellName: string): RewrittenCell {
    const key = `${cellName}\u0000${code}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const cell = rewriteCell(typescriptToJavascript(code, cellName), cellName);
    if (this.compiled.size >= CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(key, cell);
    return cell;
  }

  private declareGlobal(name: string): void {
    if (this.notebookNames.has(name)) return;
    const existing = Object.getOwnPropertyDescriptor(globalThis, name);
    if (!existing || existing.configurable) {
      Object.defineProperty(globalThis, name, {
        value: undefined,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
    this.notebookNames.add(name);
  }
}
