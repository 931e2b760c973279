// Names of the entries of a .vsix (a zip), read from its central directory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class VsixListingError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a readable zip: ${reason}`);
    this.name = 'VsixListingError';
  }
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;

export function vsixEntries(file: string): string[] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new VsixListingError(file, 'no end-of-central-directory record');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff) throw new VsixListingError(file, 'zip64 archives are not supported');
    const dir = Buffer.alloc(dirSize);
    readSync(fd, dir, 0, dirSize, dirOffset);
    const names: string[] = [];
    for (let at = 0, n = 0; n < count; n++) {
      if (dir.readUInt32LE(at) !== CENTRAL_FILE_HEADER)
        throw new VsixListingError(file, `bad central directory entry ${n}`);
      const nameLength = dir.readUInt16LE(at + 28);
      const extraLength = dir.readUInt16LE(at + 30);
      const commentLength = dir.readUInt16LE(at + 32);
      names.push(dir.toString('utf8', at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } finally {
    closeSync(fd);
  }
}
