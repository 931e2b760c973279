// Public vector index / retrieval API (re-exported from kernel/engine/index.ts).
export { createIndex, openIndex, VectorIndex, MANIFEST_FILE } from './vectorIndex';
export type { CreateIndexOptions, IndexDocument, SearchHit } from './vectorIndex';
export { chunkText, splitSentences } from './chunk';
export type { ChunkOptions } from './chunk';
export { ragPrompt, DEFAULT_RAG_TEMPLATE } from './ragPrompt';
export type { RagHitLike } from './ragPrompt';
export { VectorIndexError } from './vectorIndexError';
