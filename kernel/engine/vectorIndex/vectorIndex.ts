/**
 * An on-disk vector index: documents are chunked, embedded with `embed` (unit-length vectors) and stored with
 * their text and metadata in an embedded LanceDB database in `dir`; `search` embeds the query and returns the
 * top-k chunks by cosine similarity. `tunebook-index.json` next to the database records the embedding model's
 * fingerprint, pooling and chunking, so `openIndex` (in this or a later kernel) refuses a different model.
 *
 *   const index = await createIndex(dir, { model, pooling: 'mean', chunk: { by: 'tokens', size: 64, overlap: 8 } });
 *   await index.add([{ id: 'faq', text, metadata: { source: 'faq.md' } }]);
 *   const hits = await index.search('how do I ...', 3);
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as LanceDb from '@lancedb/lancedb';
import { embed } from '../features/embed';
import { modelFingerprint } from '../features/modelFingerprint';
import { POOLINGS, type Pooling } from '../heads/pooling';
import { writeFileAtomic } from '../io/atomicWrite';
import type { Model } from '../models/model';
import { checkChunkOptions, chunkText, DEFAULT_CHUNK, type ChunkOptions } from './chunk';
import { VectorIndexError } from './vectorIndexError';

export const MANIFEST_FILE = 'tunebook-index.json';
const TABLE = 'chunks';

export interface IndexDocument {
  /** Default: `doc-<n>` in the order added. */
  id?: string;
  text: string;
  metadata?: Record<string, unknown>;
}

export interface CreateIndexOptions {
  model: Model;
  /** Default 'mean'. */
  pooling?: Pooling;
  /** Default 128-token windows overlapping by 16. */
  chunk?: ChunkOptions;
  /** Replace an index already in `dir`; default false (an error). */
  overwrite?: boolean;
}

export interface SearchHit {
  /** Cosine similarity of the query and the chunk, in [-1, 1]. */
  score: number;
  text: string;
  docId: string;
  /** Position of the chunk within its document. */
  chunk: number;
  metadata: Record<string, unknown>;
}

interface Manifest {
  format: 'tunebook-vector-index';
  version: 1;
  modelFingerprint: string;
  modelType: string;
  pooling: Pooling;
  chunk: Required<ChunkOptions>;
  dimension: number;
  documents: number;
}

interface ChunkRow {
  id: string;
  docId: string;
  chunk: number;
  text: string;
  metadata: string;
  vector: number[];
}

export class VectorIndex {
  private constructor(
    readonly dir: string,
    private readonly model: Model,
    private manifest: Manifest,
    private readonly db: LanceDb.Connection,
    private table: LanceDb.Table | undefined,
  ) {}

  static async create(dir: string, options: CreateIndexOptions): Promise<VectorIndex> {
    const model = checkModel(dir, options?.model);
    const pooling = options.pooling ?? 'mean';
    if (!POOLINGS.includes(pooling))
      throw new VectorIndexError(dir, `pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`);
    const chunk = checkChunkOptions(options.chunk ?? DEFAULT_CHUNK);
    if (existsSync(join(dir, MANIFEST_FILE)) && !options.overwrite) {
      throw new VectorIndexError(
        dir,
        'an index already exists here; open it with openIndex(dir, { model }) or pass overwrite: true',
      );
    }
    await mkdir(dir, { recursive: true });
    const db = await connect(dir);
    if ((await db.tableNames()).includes(TABLE)) await db.dropTable(TABLE);
    const manifest: Manifest = {
      format: 'tunebook-vector-index',
      version: 1,
      modelFingerprint: await modelFingerprint(model),
      modelType: model.modelType,
      pooling,
      chunk,
      dimension: 0,
      documents: 0,
    };
    await writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    return new VectorIndex(dir, model, manifest, db, undefined);
  }

  static async open(dir: string, options: { model: Model }): Promise<VectorIndex> {
    const model = checkModel(dir, options?.model);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    } catch (e) {
      throw new VectorIndexError(
        dir,
        `no readable ${MANIFEST_FILE} (${(e as Error).message}); create the index with createIndex(dir, { model })`,
      );
    }
    if (manifest.format !== 'tunebook-vector-index' || manifest.version !== 1)
      throw new VectorIndexError(dir, `${MANIFEST_FILE} is not a version 1 Tunebook index`);
    if ((await modelFingerprint(model)) !== manifest.modelFingerprint) {
      throw new VectorIndexError(
        dir,
        'it was built with another model (or other weights / tokenizer); open it with the same model, or rebuild it',
      );
    }
    const db = await connect(dir);
    const table = (await db.tableNames()).includes(TABLE) ? await db.openTable(TABLE) : undefined;
    return new VectorIndex(dir, model, manifest, db, table);
  }

  get pooling(): Pooling {
    return this.manifest.pooling;
  }

  get chunking(): Required<ChunkOptions> {
    return { ...this.manifest.chunk };
  }

  /** Chunks stored. */
  async count(): Promise<number> {
    return this.table ? this.table.countRows() : 0;
  }

  /** Chunks, embeds and stores documents (strings or { id, text, metadata }); returns how many chunks were added. */
  async add(docs: ReadonlyArray<IndexDocument | string>): Promise<number> {
    if (!Array.isArray(docs))
      throw new VectorIndexError(this.dir, 'add(docs): docs must be an array of strings or { id?, text, metadata? }');
    const normalised = docs.map((d, i) => normaliseDocument(this.dir, d, i, this.manifest.documents + i));
    const pieces = normalised.flatMap((doc) =>
      chunkText(doc.text, this.manifest.chunk, this.model.tokenizer).map((text, chunk) => ({ doc, text, chunk })),
    );
    if (pieces.length === 0) return 0;
    const vectors = await embed(
      this.model,
      pieces.map((p) => p.text),
      { pooling: this.manifest.pooling, normalize: true },
    );
    const rows: ChunkRow[] = pieces.map((p, i) => ({
      id: `${p.doc.id}#${p.chunk}`,
      docId: p.doc.id,
      chunk: p.chunk,
      text: p.text,
      metadata: JSON.stringify(p.doc.metadata),
      vector: vectors[i],
    }));
    if (this.table) await this.table.add(rows as unknown as Record<string, unknown>[]);
    else this.table = await this.db.createTable(TABLE, rows as unknown as Record<string, unknown>[]);
    this.manifest = {
      ...this.manifest,
      dimension: vectors[0].length,
      documents: this.manifest.documents + docs.length,
    };
    await writeFileAtomic(join(this.dir, MANIFEST_FILE), JSON.stringify(this.manifest, null, 2));
    return rows.length;
  }

  /** The k chunks most similar to the query, best first. */
  async search(query: string, k = 5): Promise<SearchHit[]> {
    if (typeof query !== 'string' || query.trim() === '')
      throw new VectorIndexError(this.dir, 'search(query, k): query must be a non-empty string');
    if (!Number.isSafeInteger(k) || k < 1)
      throw new VectorIndexError(this.dir, `search(query, k): k must be an integer >= 1, got ${k}`);
    if (!this.table) return [];
    const [vector] = await embed(this.model, [query], { pooling: this.manifest.pooling, normalize: true });
    const rows = (await this.table.vectorSearch(vector).distanceType('cosine').limit(k).toArray()) as Array<
      ChunkRow & { _distance: number }
    >;
    return rows.map((r) => ({
      score: 1 - r._distance,
      text: r.text,
      docId: r.docId,
      chunk: Number(r.chunk),
      metadata: JSON.parse(r.metadata),
    }));
  }

  close(): void {
    this.table?.close();
    this.db.close();
  }
}

export function createIndex(dir: string, options: CreateIndexOptions): Promise<VectorIndex> {
  return VectorIndex.create(dir, options);
}

export function openIndex(dir: string, options: { model: Model }): Promise<VectorIndex> {
  return VectorIndex.open(dir, options);
}

async function connect(dir: string): Promise<LanceDb.Connection> {
  let lancedb: typeof LanceDb;
  try {
    lancedb = await import('@lancedb/lancedb');
  } catch (e) {
    throw new VectorIndexError(
      dir,
      `the LanceDB database (@lancedb/lancedb) could not be loaded: ${(e as Error).message}`,
    );
  }
  return lancedb.connect(dir);
}

function checkModel(dir: string, model: Model | undefined): Model {
  if (!model || typeof model.hidden !== 'function')
    throw new VectorIndexError(dir, 'options.model must be a loaded model (it embeds the chunks)');
  if (!model.tokenizer) throw new VectorIndexError(dir, 'the model has no tokenizer (model.tokenizer is unset)');
  return model;
}

function normaliseDocument(dir: string, doc: IndexDocument | string, i: number, n: number): Required<IndexDocument> {
  if (typeof doc === 'string') return { id: `doc-${n}`, text: doc, metadata: {} };
  if (!doc || typeof doc.text !== 'string')
    throw new VectorIndexError(dir, `docs[${i}] must be a string or { id?, text, metadata? } with a string text`);
  if (doc.id !== undefined && typeof doc.id !== 'string')
    throw new VectorIndexError(dir, `docs[${i}].id must be a string`);
  if (
    doc.metadata !== undefined &&
    (doc.metadata === null || typeof doc.metadata !== 'object' || Array.isArray(doc.metadata))
  ) {
    throw new VectorIndexError(dir, `docs[${i}].metadata must be a plain object`);
  }
  return { id: doc.id ?? `doc-${n}`, text: doc.text, metadata: doc.metadata ?? {} };
}
