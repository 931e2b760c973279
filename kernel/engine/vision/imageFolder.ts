/**
 * Where image datasets come from, as `{ path, label }` examples:
 *   imageFolder(dir)   one sub-folder per class (`dir/cat/1.png`, `dir/dog/7.jpg`), the label is the folder name
 *   imageList(file)    a JSONL / CSV / TSV / JSON list with an image path and a label per row; relative paths are
 *                      resolved against the list file's folder
 * Only the listing is read here; pixels are decoded later, a batch at a time.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { readAllRecords } from '../data/readers/readRecords';
import { compareLabelNames } from '../data/labelMap';
import { ImageDatasetError } from './imageDatasetError';

export interface ImageExample {
  /** Image file (PNG or JPEG). */
  path: string;
  label: string;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

export async function imageFolder(dir: string): Promise<ImageExample[]> {
  await requireDirectory(dir);
  const classes = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(compareLabelNames);
  if (classes.length === 0)
    throw new ImageDatasetError(
      dir,
      "has no class sub-folders; put each class's images in a folder named after the class",
    );
  const examples: ImageExample[] = [];
  for (const label of classes) {
    const files = (await readdir(join(dir, label), { withFileTypes: true }))
      .filter((e) => e.isFile() && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    for (const file of files) examples.push({ path: join(dir, label, file), label });
  }
  if (examples.length === 0)
    throw new ImageDatasetError(dir, `its class folders (${classes.join(', ')}) hold no .png/.jpg/.jpeg files`);
  return examples;
}

export interface ImageListOptions {
  /** Column with the image path; default the first of `path`, `image`, `file`, `filename` present. */
  pathColumn?: string;
  /** Column with the label; default `label`. */
  labelColumn?: string;
}

const PATH_COLUMNS = ['path', 'image', 'file', 'filename'];

export async function imageList(file: string, options: ImageListOptions = {}): Promise<ImageExample[]> {
  const records = await readAllRecords(file);
  if (records.length === 0) throw new ImageDatasetError(file, 'lists no images');
  const base = dirname(resolve(file));
  const labelColumn = options.labelColumn ?? 'label';
  return records.map((record, i) => {
    const row = record.value;
    const where = record.location.line !== undefined ? `line ${record.location.line}` : `row ${i + 1}`;
    const pathColumn = options.pathColumn ?? PATH_COLUMNS.find((c) => row[c] !== undefined);
    const path = pathColumn === undefined ? undefined : row[pathColumn];
    if (typeof path !== 'string' || path === '') {
      throw new ImageDatasetError(
        file,
        `${where} has no image path (expected a string column ${options.pathColumn ?? PATH_COLUMNS.join(' / ')})`,
      );
    }
    const label = row[labelColumn];
    if ((typeof label !== 'string' || label === '') && typeof label !== 'number') {
      throw new ImageDatasetError(file, `${where} has no "${labelColumn}" (a class name or number)`);
    }
    return { path: isAbsolute(path) ? path : join(base, path), label: String(label) };
  });
}

async function requireDirectory(dir: string): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (e) {
    throw new ImageDatasetError(dir, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!isDir) throw new ImageDatasetError(dir, 'is not a folder');
}
