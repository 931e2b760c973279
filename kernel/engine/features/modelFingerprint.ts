/**
 * A SHA-256 fingerprint of everything that decides a model's embeddings: architecture, every parameter's name,
 * shape and float32 bytes, and the tokenizer. Equal fingerprints mean equal outputs; training changes it.
 */
import { createHash } from 'node:crypto';
import type { Model } from '../models/model';

export async function modelFingerprint(model: Model): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`tunebook-model-fingerprint-v1\0${model.modelType}\0${model.architecture}\0`);
  for (const name of [...model.params.keys()].sort()) {
    const variable = model.params.get(name)!;
    const data = (await variable.data()) as Float32Array;
    hash.update(`${name}\0${variable.dtype}\0${variable.shape.join(',')}\0`);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  hash.update(JSON.stringify(model.tokenizer?.toJson() ?? null));
  return hash.digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
