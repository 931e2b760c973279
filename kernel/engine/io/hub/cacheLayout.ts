// The huggingface_hub cache layout, read and written the way Python writes it:
//   <cache>/models--owner--name/blobs/<etag>                 file contents (".incomplete" while downloading)
//   <cache>/models--owner--name/snapshots/<commit>/<file>    relative symlink to ../../blobs/<etag>
//   <cache>/models--owner--name/refs/<revision>              the commit hash the revision pointed to
import { copyFile, lstat, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';

const COMMIT_HASH = /^[0-9a-f]{40}$/;

export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/** "openai-community/gpt2" → "models--openai-community--gpt2". */
export function repoFolderName(id: string): string {
  return `models--${id.split('/').join('--')}`;
}

/** An ETag header as the cache names blobs: without the weak prefix and the quotes. */
export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export class RepoCache {
  readonly dir: string;

  constructor(
    cacheDir: string,
    readonly id: string,
  ) {
    this.dir = join(cacheDir, repoFolderName(id));
  }

  blobPath(etag: string): string {
    return join(this.dir, 'blobs', etag);
  }

  incompletePath(etag: string): string {
    return `${this.blobPath(etag)}.incomplete`;
  }

  snapshotDir(commit: string): string {
    return join(this.dir, 'snapshots', commit);
  }

  /** The commit a revision resolves to locally: a commit hash is itself, a branch or tag is read from refs/. */
  async commitFor(revision: string): Promise<string | undefined> {
    if (isCommitHash(revision)) return revision;
    const text = await readFile(join(this.dir, 'refs', revision), 'utf8').catch(() => undefined);
    const commit = text?.trim();
    return commit !== undefined && isCommitHash(commit) ? commit : undefined;
  }

  /** Records revision → commit (no trailing newline, like Python); a commit hash needs no ref. */
  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const path = join(this.dir, 'refs', revision);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, commit);
    await rename(temporary, path);
  }

  /** Points snapshots/<commit>/<file> at blobs/<etag> (a relative symlink; a copy where symlinks are refused). */
  async link(commit: string, file: string, etag: string): Promise<string> {
    const pointer = join(this.snapshotDir(commit), file);
    const blob = this.blobPath(etag);
    await mkdir(dirname(pointer), { recursive: true });
    if ((await lstat(pointer).catch(() => undefined)) !== undefined) await rm(pointer, { force: true });
    try {
      await symlink(relative(dirname(pointer), blob), pointer);
    } catch (e) {
      if (!['EPERM', 'ENOSYS', 'EACCES', 'ENOTSUP'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
      await copyFile(blob, pointer);
    }
    return pointer;
  }
}
