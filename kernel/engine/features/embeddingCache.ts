/**
 * On-disk cache of text embeddings: one safetensors file per (model fingerprint, pooling, max length) key,
 * holding one float32 vector per text under the SHA-256 of the text. Written atomically; a missing, foreign or
 * unreadable file is treated as an empty cache (and replaced on the next write).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors';

const FORMAT = 'tunebook-embeddings-v1';

export class EmbeddingCache {
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly key: string,
    private readonly vectors: Map<string, Float32Array>,
  ) {}

  static fileFor(cacheDir: string, key: string): string {
    return join(cacheDir, `embeddings-${key.slice(0, 32)}.safetensors`);
  }

  static async open(cacheDir: string, key: string): Promise<EmbeddingCache> {
    const path = EmbeddingCache.fileFor(cacheDir, key);
    const vectors = new Map<string, Float32Array>();
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(path);
    } catch {
      bytes = undefined;
    }
    if (bytes) {
      try {
        const { tensors, metadata } = parseSafetensors(bytes, path);
        if (metadata.format === FORMAT && metadata.key === key) {
          for (const [name, entry] of tensors)
            if (entry.data instanceof Float32Array && entry.shape.length === 1) vectors.set(name, entry.data);
        }
      } catch {
        vectors.clear();
      }
    }
    return new EmbeddingCache(path, key, vectors);
  }

  get size(): number {
    return this.vectors.size;
  }

  get(textHash: string): Float32Array | undefined {
    return this.vectors.get(textHash);
  }

  set(textHash: string, vector: Float32Array): void {
    this.vectors.set(textHash, vector);
    this.dirty = true;
  }

  async flush(): Promise<void> {
    if (!this.dirty) return;
    const tensors = [...this.vectors].map(([name, data]) => ({
      name,
      dtype: 'F32' as const,
      shape: [data.length],
      data,
    }));
    await mkdir(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, serializeSafetensors(tensors, { format: FORMAT, key: this.key }));
    this.dirty = false;
  }
}
