/**
 * The public API report of the engine: every export of kernel/engine/index.ts with its kind and the file
 * that declares it, as a Markdown table (kernel/engine/api.md). Read from the TypeScript program, so type-only
 * exports are listed too. Used by api.test.ts next to it and `npm run api:update`.
 */
import { join, relative } from 'node:path';
import * as ts from 'typescript';

export const ENGINE_ENTRY = 'kernel/engine/index.ts';
export const API_REPORT = 'kernel/engine/api.md';

export class ApiReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiReportError';
  }
}

export interface ApiExport {
  name: string;
  /** e.g. `function`, `class`, `interface`, `type`, `const`, `namespace`; merged declarations join with ` + `. */
  kind: string;
  /** The declaring file, relative to the repository (a package name for re-exported dependencies). */
  from: string;
}

export function engineExports(root: string, entryFile = ENGINE_ENTRY): ApiExport[] {
  const entry = join(root, entryFile);
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new ApiReportError(`TypeScript could not read ${entryFile} as a module.`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return { name: exported.name, kind: kindOf(symbol), from: declaringFile(root, symbol) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function kindOf(symbol: ts.Symbol): string {
  const kinds: string[] = [];
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) kinds.push('class');
  if (f & ts.SymbolFlags.Function) kinds.push('function');
  if (f & ts.SymbolFlags.Enum) kinds.push('enum');
  if (f & ts.SymbolFlags.Variable) kinds.push(isConst(symbol) ? 'const' : 'let');
  if (f & ts.SymbolFlags.Interface && !(f & ts.SymbolFlags.Class)) kinds.push('interface');
  if (f & ts.SymbolFlags.TypeAlias) kinds.push('type');
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) kinds.push('namespace');
  if (kinds.length === 0)
    throw new ApiReportError(`The export ${symbol.name} has no kind the API report knows (flags ${f}).`);
  return kinds.join(' + ');
}

function isConst(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (d) => ts.isVariableDeclaration(d) && (ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) !== 0,
  );
}

function declaringFile(root: string, symbol: ts.Symbol): string {
  const file = symbol.declarations?.[0]?.getSourceFile().fileName;
  if (!file) return '?';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (packageMatch) return packageMatch[1];
  return relative(root, file).split('\\').join('/');
}

export function renderApiReport(exports: readonly ApiExport[]): string {
  const rows = exports.map((e) => `| \`${e.name}\` | ${e.kind} | ${e.from} |`);
  return [
    '# Public API of `tunebook`',
    '',
    `Every export of \`${ENGINE_ENTRY}\` (what \`import ... from "tunebook"\` gives a cell), with its kind and the`,
    'file that declares it. Generated; do not edit by hand. `test/unit/kernel/engine/api.test.ts` fails when this',
    'list differs from the code; after a deliberate change run `npm run api:update` and commit the new list.',
    '',
    `${exports.length} exports.`,
    '',
    '| Export | Kind | Declared in |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Lines only in `before` (-) and only in `after` (+), in order: enough to review an API change. */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const inA = new Set(a);
  const inB = new Set(b);
  return [
    ...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`),
    ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`),
  ].join('\n');
}
