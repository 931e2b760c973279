/**
 * TypeScript cell source -> JavaScript with the same line numbering (sucrase keeps lines), so errors
 * raised while the cell runs point at the line the user wrote.
 */
import { transform } from 'sucrase';
import { CellSyntaxError } from './cellSyntaxError';

export function typescriptToJavascript(source: string, cellName: string): string {
  try {
    return transform(source, {
      transforms: ['typescript'],
      disableESTransforms: true,
      // An import a cell does not use itself is still meant for later cells.
      keepUnusedImports: true,
      filePath: `${cellName}.ts`,
    }).code;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const clean = message.replace(/^Error transforming [^:]*:\s*/, '').replace(/\s*\(\d+:\d+\)$/, '');
    // sucrase reports 1-based columns
    throw new CellSyntaxError(clean, cellName, loc?.line, loc?.column);
  }
}
