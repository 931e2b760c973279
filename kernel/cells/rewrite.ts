/**
 * Rewrites a cell's JavaScript (already stripped of types) into the body of an async function so that
 *  - top-level declarations (const/let/var/function/class/import, destructuring too) become notebook
 *    globals that later cells see, and may be declared again;
 *  - `import` statements and `import()` go through the kernel's module loader;
 *  - every `await X` races the cell's interrupt signal, so an interrupt ends a waiting cell at once;
 *  - the value of a final expression statement is returned.
 * Edits never add or remove a newline, so line N of the result is line N of the cell.
 */
import { Parser, type Node } from 'acorn';
import { simple as walkSimple } from 'acorn-walk';
import MagicString from 'magic-string';
import { CellSyntaxError } from './cellSyntaxError';

/** Name of the wrapper parameter holding the kernel's cell runtime (see repl.ts). */
export const RUNTIME = '__tunebook';

export interface RewrittenCell {
  /** Function body; line N is line N of the cell. */
  body: string;
  /** Top-level names the cell declares, in order of appearance. */
  declaredNames: string[];
  /** Top-level function declarations: hoisted, so published at the start of the body. */
  functionNames: string[];
  /** The cell ends with an expression whose value is returned. */
  hasFinalExpression: boolean;
  /** The final expression is the only statement: whoever wraps the body opens `return (` before it. */
  openReturnBefore: boolean;
}

// acorn's estree types are loose here on purpose: we read a handful of well-known fields.
type AnyNode = Node & Record<string, any>;

export function rewriteCell(js: string, cellName: string): RewrittenCell {
  const program = parse(js, cellName);
  const out = new MagicString(js);
  const declared: string[] = [];
  const functions: string[] = [];
  const declare = (name: string) => {
    if (!declared.includes(name)) declared.push(name);
  };

  const body = program.body as AnyNode[];
  for (const statement of body) {
    rewriteTopLevel(statement, out, js, declare, functions);
  }
  rewriteAwaitsAndImports(program, out);

  const last = body[body.length - 1];
  const hasFinalExpression = last?.type === 'ExpressionStatement' && last.directive === undefined;
  let openReturnBefore = false;
  if (hasFinalExpression) {
    // `return (` goes at the end of the statement before, so the final line keeps its columns.
    const previous = body[body.length - 2];
    if (previous) out.appendLeft(previous.end, ';return (');
    else openReturnBefore = true;
    out.appendLeft(js[last.end - 1] === ';' ? last.end - 1 : last.end, ')');
  }
  return {
    body: out.toString(),
    declaredNames: declared,
    functionNames: functions,
    hasFinalExpression,
    openReturnBefore,
  };
}

function parse(js: string, cellName: string): AnyNode {
  try {
    return Parser.parse(js, {
      ecmaVersion: 'latest',
      sourceType: 'module',
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: true,
      allowHashBang: true,
    }) as AnyNode;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\(\d+:\d+\)$/, '');
    throw new CellSyntaxError(message, cellName, loc?.line, loc === undefined ? undefined : loc.column + 1);
  }
}

function rewriteTopLevel(
  statement: AnyNode,
  out: MagicString,
  js: string,
  declare: (name: string) => void,
  functions: string[],
): void {
  switch (statement.type) {
    case 'VariableDeclaration':
      return rewriteVariables(statement, out, declare);
    case 'FunctionDeclaration':
      declare(statement.id.name);
      if (!functions.includes(statement.id.name)) functions.push(statement.id.name);
      return;
    case 'ClassDeclaration':
      declare(statement.id.name);
      out.prependRight(statement.start, `${statement.id.name} = `);
      out.appendLeft(statement.end, ';');
      return;
    case 'ImportDeclaration':
      return rewriteImport(statement, out, js, declare);
    case 'ExportNamedDeclaration':
    case 'ExportDefaultDeclaration': {
      const inner = statement.declaration as AnyNode | null;
      if (inner && (statement.type === 'ExportNamedDeclaration' || inner.id)) {
        blank(out, js, statement.start, inner.start);
        rewriteTopLevel(inner, out, js, declare, functions);
      } else if (inner) {
        blank(out, js, statement.start, inner.start); // `export default <expression>` evaluates it
      } else {
        blank(out, js, statement.start, statement.end); // `export { a }` / `export * from` mean nothing here
      }
      return;
    }
    case 'ExportAllDeclaration':
      blank(out, js, statement.start, statement.end);
      return;
    default:
      return;
  }
}

/** `const a = 1, { b } = o, c;` -> `void (a = 1, { b } = o, c = undefined);` (a `var` without value keeps it). */
function rewriteVariables(statement: AnyNode, out: MagicString, declare: (name: string) => void): void {
  const declarators = statement.declarations as AnyNode[];
  for (const declarator of declarators) {
    for (const name of patternNames(declarator.id)) declare(name);
    if (!declarator.init && statement.kind !== 'var') out.appendLeft(declarator.id.end, ' = undefined');
  }
  out.overwrite(statement.start, declarators[0].start, 'void (', { contentOnly: true });
  out.appendLeft(declarators[declarators.length - 1].end, ')');
}

/** `import d, { a as b } from 'p'` -> `void ({ default: d, a: b } = await __tunebook.import('p'));` */
function rewriteImport(statement: AnyNode, out: MagicString, js: string, declare: (name: string) => void): void {
  const load = `await ${RUNTIME}.import(${JSON.stringify(statement.source.value)})`;
  const parts: string[] = [];
  const fields: string[] = [];
  for (const specifier of statement.specifiers as AnyNode[]) {
    const local = specifier.local.name as string;
    declare(local);
    if (specifier.type === 'ImportNamespaceSpecifier') parts.push(`${local} = ${load}`);
    else if (specifier.type === 'ImportDefaultSpecifier') fields.push(`default: ${local}`);
    else {
      const imported =
        specifier.imported.type === 'Identifier' ? specifier.imported.name : JSON.stringify(specifier.imported.value);
      fields.push(imported === local ? local : `${imported}: ${local}`);
    }
  }
  if (fields.length > 0) parts.push(`{ ${fields.join(', ')} } = ${load}`);
  if (parts.length === 0) parts.push(load);
  replaceKeepingLines(out, js, statement.start, statement.end, `void (${parts.join(', ')});`);
}

function rewriteAwaitsAndImports(program: AnyNode, out: MagicString): void {
  walkSimple(program, {
    AwaitExpression(node: AnyNode) {
      out.prependLeft(node.argument.start, `${RUNTIME}.race(`);
      out.appendRight(node.argument.end, ')');
    },
    ImportExpression(node: AnyNode) {
      out.overwrite(node.start, node.start + 'import'.length, `${RUNTIME}.import`, { contentOnly: true });
    },
    MetaProperty(node: AnyNode) {
      if (node.meta.name === 'import')
        out.overwrite(node.start, node.end, `${RUNTIME}.importMeta`, { contentOnly: true });
    },
  });
}

export function patternNames(pattern: AnyNode | null): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return (pattern.properties as AnyNode[]).flatMap((p) =>
        patternNames(p.type === 'RestElement' ? p.argument : p.value),
      );
    case 'ArrayPattern':
      return (pattern.elements as (AnyNode | null)[]).flatMap((e) => patternNames(e));
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    case 'RestElement':
      return patternNames(pattern.argument);
    default:
      return [];
  }
}

function newlinesIn(js: string, start: number, end: number): string {
  return js.slice(start, end).replace(/[^\n]/g, '');
}

function replaceKeepingLines(out: MagicString, js: string, start: number, end: number, text: string): void {
  out.overwrite(start, end, text + newlinesIn(js, start, end), { contentOnly: true });
}

function blank(out: MagicString, js: string, start: number, end: number): void {
  if (end > start) replaceKeepingLines(out, js, start, end, '');
}
