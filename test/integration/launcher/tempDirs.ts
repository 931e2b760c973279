// Temporary folders that are removed when the launcher exits, even through a signal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

function removeNow(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  live.delete(dir);
}

export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const dir of live) {
        try {
          removeNow(dir);
        } catch {
          // best effort at exit
        }
      }
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.add(dir);
  return { dir, remove: () => removeNow(dir) };
}
