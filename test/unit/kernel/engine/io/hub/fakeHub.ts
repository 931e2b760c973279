// A loopback Hugging Face Hub for tests (127.0.0.1, port 0): the endpoints the client uses, with the Hub's
// headers, and failure injection. Nothing here touches the network beyond loopback.
//   GET  /api/models/{id}/revision/{rev}?blobs=true   → { id, sha, siblings: [{ rfilename, size, blobId, lfs }] }
//   HEAD/GET /{id}/resolve/{rev}/{file}               → ETag, X-Repo-Commit; LFS files: 302 to /cdn/{sha256}
//                                                        with X-Linked-Etag / X-Linked-Size, like the real Hub
//   GET  /cdn/{sha256}                                → the bytes, honouring Range: bytes=N-
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  id: string;
  /** Branch or tag → commit (40 hex). */
  refs: Record<string, string>;
  files: Record<string, Uint8Array>;
  /** Needs the token: 401 RepoNotFound without it (the Hub hides private repositories). */
  private?: boolean;
  /** Needs a token whose account accepted the conditions: 401 without a token, 403 with another one. */
  gated?: { acceptedToken: string };
}

export type Fault =
  | { kind: 'status'; where: 'listing' | 'resolve'; file?: string; status: number; errorCode?: string; times: number }
  | { kind: 'drop'; file: string; afterBytes: number; times: number }
  | { kind: 'corrupt'; file: string; times: number }
  /** Sends `afterBytes` of the body, then nothing more (the connection stays open until the client gives up). */
  | { kind: 'stall'; file: string; afterBytes: number; times: number };

export interface LoggedRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

export interface FakeHubOptions {
  /** The token private repositories accept. */
  token?: string;
  /** Leave size/blobId/lfs out of the listing (the client must HEAD each file). */
  listingWithoutBlobs?: boolean;
  /** Answer Range requests with 200 and the whole file. */
  ignoreRange?: boolean;
  /** Answer the listing with this body instead. */
  listingBody?: string;
  /** Pause between the 16 kB pieces of a body (default: none, just a turn of the event loop). */
  pieceDelayMs?: number;
  /** Where LFS downloads redirect to (another FakeHub serving the same repositories); default this server. */
  cdnUrl?: string;
}

/** LFS files as the Hub stores them (by extension); the rest are plain git blobs. */
export function isLfs(path: string): boolean {
  return /\.(safetensors|bin|h5|onnx|msgpack)$/.test(path);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The git blob id: sha1 of "blob <size>\0" + contents; the ETag (and cache blob name) of non-LFS files. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function etagOf(path: string, bytes: Uint8Array): string {
  return isLfs(path) ? sha256Hex(bytes) : gitBlobId(bytes);
}

export class FakeHub {
  readonly requests: LoggedRequest[] = [];
  readonly faults: Fault[] = [];
  private readonly repos = new Map<string, FakeRepo>();
  private readonly blobs = new Map<string, { path: string; bytes: Uint8Array }>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeHubOptions,
    repos: FakeRepo[],
  ) {
    for (const repo of repos) this.addRepo(repo);
  }

  static async start(repos: FakeRepo[], options: FakeHubOptions = {}): Promise<FakeHub> {
    let hub: FakeHub | undefined;
    const server = createServer((req, res) => hub!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hub = new FakeHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options, repos);
    return hub;
  }

  addRepo(repo: FakeRepo): void {
    this.repos.set(repo.id, repo);
    for (const [path, bytes] of Object.entries(repo.files))
      if (isLfs(path)) this.blobs.set(sha256Hex(bytes), { path, bytes });
  }

  /** Requests whose path contains `part` (e.g. a file name). */
  requestsFor(part: string): LoggedRequest[] {
    return this.requests.filter((r) => decodeURIComponent(r.path).includes(part));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({
      method: req.method ?? '',
      path: `${url.pathname}${url.search}`,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    const listing = url.pathname.match(/^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/);
    if (listing !== null && req.method === 'GET')
      return this.listing(
        req,
        res,
        listing[1],
        decodeURIComponent(listing[2]),
        url.searchParams.get('blobs') === 'true',
      );
    const resolve = url.pathname.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    if (resolve !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      return this.resolve(
        req,
        res,
        resolve[1],
        decodeURIComponent(resolve[2]),
        resolve[3].split('/').map(decodeURIComponent).join('/'),
      );
    }
    const cdn = url.pathname.match(/^\/cdn\/([0-9a-f]{64})$/);
    const blob = cdn === null ? undefined : this.blobs.get(cdn[1]);
    if (blob !== undefined && req.method === 'GET') return this.serveBytes(req, res, blob.path, blob.bytes, {});
    this.error(res, 404, 'EntryNotFound', 'no such endpoint');
  }

  private listing(req: IncomingMessage, res: ServerResponse, id: string, revision: string, blobs: boolean): void {
    if (this.takeStatusFault(res, 'listing')) return;
    const repo = this.access(req, res, id);
    if (repo === undefined) return;
    const commit = this.commit(repo, revision);
    if (commit === undefined) return this.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    if (this.options.listingBody !== undefined)
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(this.options.listingBody);
    const siblings = Object.entries(repo.files).map(([rfilename, bytes]) => {
      if (!blobs || this.options.listingWithoutBlobs) return { rfilename };
      const entry: Record<string, unknown> = { rfilename, size: bytes.length, blobId: gitBlobId(bytes) };
      if (isLfs(rfilename)) entry.lfs = { sha256: sha256Hex(bytes), size: bytes.length, pointerSize: 134 };
      return entry;
    });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id, modelId: id, sha: commit, private: repo.private === true, siblings }));
  }

  private resolve(req: IncomingMessage, res: ServerResponse, id: string, revision: string, file: string): void {
    if (this.takeStatusFault(res, 'resolve', file)) return;
    const repo = this.access(req, res, id);
    if (repo === undefined) return;
    const commit = this.commit(repo, revision);
    if (commit === undefined) return this.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const bytes = repo.files[file];
    if (bytes === undefined) return this.error(res, 404, 'EntryNotFound', `${file} does not exist on "${revision}"`);
    const headers: Record<string, string> = { 'x-repo-commit': commit, etag: `"${gitBlobId(bytes)}"` };
    if (isLfs(file)) {
      const sha = sha256Hex(bytes);
      Object.assign(headers, {
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(bytes.length),
        location: `${this.options.cdnUrl ?? this.url}/cdn/${sha}`,
        'content-length': '0',
      });
      return void res.writeHead(302, headers).end();
    }
    this.serveBytes(req, res, file, bytes, headers);
  }

  private serveBytes(
    req: IncomingMessage,
    res: ServerResponse,
    file: string,
    bytes: Uint8Array,
    headers: Record<string, string>,
  ): void {
    const drop = this.takeFault('drop', file);
    const stall = this.takeFault('stall', file);
    const corrupt = this.takeFault('corrupt', file);
    let body = corrupt === undefined ? bytes : flipLastByte(bytes);
    const range = req.headers.range?.match(/^bytes=(\d+)-$/);
    let status = 200;
    if (range && !this.options.ignoreRange) {
      const start = Number(range[1]);
      if (start >= bytes.length)
        return this.error(res, 416, 'RangeNotSatisfiable', `range ${start}- of ${bytes.length} bytes`);
      headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
      body = body.subarray(start);
      status = 206;
    }
    res.writeHead(status, {
      ...headers,
      'accept-ranges': 'bytes',
      'content-length': String(body.length),
      'content-type': 'application/octet-stream',
    });
    if (req.method === 'HEAD') return void res.end();
    if (drop !== undefined && drop.kind === 'drop') {
      // Give the client time to read the bytes before the connection goes (else they may be lost with it).
      res.write(body.subarray(0, drop.afterBytes), () => setTimeout(() => res.socket?.destroy(), 100));
      return;
    }
    if (stall !== undefined && stall.kind === 'stall') return void res.write(body.subarray(0, stall.afterBytes));
    writeInPieces(res, body, this.options.pieceDelayMs);
  }

  private access(req: IncomingMessage, res: ServerResponse, id: string): FakeRepo | undefined {
    const repo = this.repos.get(id);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (repo === undefined || (repo.private && token !== this.options.token)) {
      // Like the Hub: without a token, missing and private look the same (401); with a valid token, 404.
      if (token === undefined || (repo !== undefined && repo.private))
        this.error(res, 401, 'RepoNotFound', 'Repository not found');
      else this.error(res, 404, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    if (repo.gated !== undefined && token !== repo.gated.acceptedToken) {
      this.error(
        res,
        token === undefined ? 401 : 403,
        'GatedRepo',
        `Access to model ${id} is restricted. You must have access to it and be authenticated to access it.`,
      );
      return undefined;
    }
    return repo;
  }

  private commit(repo: FakeRepo, revision: string): string | undefined {
    return repo.refs[revision] ?? (Object.values(repo.refs).includes(revision) ? revision : undefined);
  }

  private takeStatusFault(res: ServerResponse, where: 'listing' | 'resolve', file?: string): boolean {
    const fault = this.faults.find(
      (f) => f.kind === 'status' && f.where === where && f.times > 0 && (f.file === undefined || f.file === file),
    );
    if (fault === undefined || fault.kind !== 'status') return false;
    fault.times--;
    this.error(res, fault.status, fault.errorCode, `injected HTTP ${fault.status}`);
    return true;
  }

  private takeFault(kind: 'drop' | 'corrupt' | 'stall', file: string): Fault | undefined {
    const fault = this.faults.find((f) => f.kind === kind && f.file === file && f.times > 0);
    if (fault !== undefined) fault.times--;
    return fault;
  }

  private error(res: ServerResponse, status: number, code: string | undefined, message: string): void {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-error-message': message };
    if (code !== undefined) headers['x-error-code'] = code;
    res.writeHead(status, headers).end(JSON.stringify({ error: message }));
  }
}

/** Writes the body in 16 kB pieces, yielding (or pausing) between them, so clients see several chunks. */
function writeInPieces(res: ServerResponse, body: Uint8Array, delayMs?: number): void {
  let offset = 0;
  const next = () => {
    if (offset >= body.length) return void res.end();
    const piece = body.subarray(offset, offset + 16_384);
    offset += piece.length;
    res.write(piece, () => (delayMs === undefined ? setImmediate(next) : setTimeout(next, delayMs)));
  };
  next();
}

function flipLastByte(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[copy.length - 1] ^= 0xff;
  return copy;
}
