/**
 * The .ftnb notebook format, version 1: read and write.
 *
 *   { "tunebook": 1, "metadata": {}, "cells": [
 *     { "kind": "code", "language": "typescript", "source": "x + 1",
 *       "outputs": [ { "items": [ { "mime": "text/plain", "data": "2" } ] } ],
 *       "execution": { "order": 1, "success": true, "durationMs": 3 } } ] }
 *
 * Shared by the VS Code extension and the headless runner, so it must not import `vscode`.
 */
import { FtnbFormatError } from './ftnbFormatError';
import { ShapeProblem, checkNotebookShape } from './ftnbShape';
import { FTNB_VERSION, type FtnbNotebook } from './ftnbTypes';
import { locateJsonError } from './jsonErrorLocation';

export { FTNB_VERSION } from './ftnbTypes';
export type { FtnbCell, FtnbExecution, FtnbNotebook, FtnbOutput } from './ftnbTypes';
export { FtnbFormatError } from './ftnbFormatError';

const UNCHANGED = 'The file was not changed; fix it in a text editor or restore it from version control.';

/** A new notebook: what an empty file reads as. */
export function emptyFtnb(): FtnbNotebook {
  return { tunebook: FTNB_VERSION, metadata: {}, cells: [] };
}

/**
 * Reads .ftnb text. An empty or whitespace-only text is a new, empty notebook.
 * @param source file name or URI, used in error messages.
 * @throws FtnbFormatError for invalid JSON, a newer format version, or a wrong shape.
 */
export function parseFtnb(text: string, source?: string): FtnbNotebook {
  const name = source ?? 'The notebook';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return emptyFtnb();

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const at = locateJsonError(body);
    const where = at
      ? `line ${at.line}, column ${at.column}: ${at.problem}`
      : error instanceof Error
        ? error.message.slice(0, 200)
        : String(error);
    throw new FtnbFormatError('syntax', `${name} is not valid JSON (${where}). ${UNCHANGED}`, {
      source,
      line: at?.line,
      column: at?.column,
    });
  }

  try {
    return checkNotebookShape(value);
  } catch (error) {
    if (!(error instanceof ShapeProblem)) throw error;
    if (error.isNewerVersion) {
      throw new FtnbFormatError(
        'version',
        `${name} was written by a newer Tunebook (format version ${String((value as { tunebook: unknown }).tunebook)}); ` +
          `this Tunebook reads format version ${FTNB_VERSION}. Update the Tunebook extension to open it; the file was not changed.`,
        { source, path: error.path },
      );
    }
    throw new FtnbFormatError(
      'shape',
      `${name} is not a valid Tunebook notebook: ${describeProblem(error)}. ${UNCHANGED}`,
      {
        source,
        path: error.path || undefined,
      },
    );
  }
}

/**
 * Writes .ftnb text: canonical key order, free-form metadata keys sorted, 2-space indent,
 * trailing newline. Reading the result and writing it again gives the same bytes.
 * @throws FtnbFormatError when the notebook could not be read back (e.g. a NaN duration).
 */
export function serializeFtnb(notebook: FtnbNotebook): string {
  let canonical: FtnbNotebook;
  try {
    canonical = checkNotebookShape(notebook);
  } catch (error) {
    if (!(error instanceof ShapeProblem)) throw error;
    throw new FtnbFormatError('shape', `Cannot save the notebook: ${describeProblem(error)}. Nothing was written.`, {
      path: error.path || undefined,
    });
  }
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

function describeProblem(problem: ShapeProblem): string {
  return problem.path ? `${problem.path} ${problem.detail}` : problem.detail;
}

/**
 * Reads .ftnb bytes (UTF-8, optional byte-order mark). Bytes that are not UTF-8 are rejected
 * rather than decoded lossily, so a later save cannot silently change them.
 * @throws FtnbFormatError
 */
export function parseFtnbBytes(bytes: Uint8Array, source?: string): FtnbNotebook {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FtnbFormatError(
      'syntax',
      `${source ?? 'The notebook'} is not UTF-8 text, so it cannot be a Tunebook notebook. ${UNCHANGED}`,
      { source },
    );
  }
  return parseFtnb(text, source);
}

/** serializeFtnb as UTF-8 bytes, without a byte-order mark. */
export function serializeFtnbBytes(notebook: FtnbNotebook): Uint8Array {
  return new TextEncoder().encode(serializeFtnb(notebook));
}
