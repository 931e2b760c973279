// Fails when an exported class name is defined in more than one file of extension/, kernel/ and webviews/
// (e.g. two `KernelSession`s): a name should point at one concept. Part of `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['extension', 'kernel', 'webviews'];

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'assets' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Names of the classes a file exports (`export class X`, `export default class X`). */
export function exportedClassNames(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return source.statements
    .filter(
      (s) => ts.isClassDeclaration(s) && s.name && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword),
    )
    .map((s) => s.name.text);
}

/** Class names exported by more than one file: Map name -> files. */
export function duplicateClasses(files) {
  const where = new Map();
  for (const [file, text] of files) {
    for (const name of exportedClassNames(file, text)) where.set(name, [...(where.get(name) ?? []), file]);
  }
  return new Map([...where].filter(([, places]) => places.length > 1));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = ROOTS.flatMap((dir) => sourceFiles(join(root, dir))).map((file) => [
    relative(root, file),
    readFileSync(file, 'utf8'),
  ]);
  const duplicates = duplicateClasses(files);
  if (duplicates.size === 0) {
    console.log(`unique class names: ok (${files.length} files)`);
  } else {
    for (const [name, places] of duplicates)
      console.error(`class ${name} is exported by ${places.length} files: ${places.join(', ')}`);
    console.error(
      `${duplicates.size} exported class name(s) defined more than once; rename one of each so every name means one thing.`,
    );
    process.exitCode = 1;
  }
}
