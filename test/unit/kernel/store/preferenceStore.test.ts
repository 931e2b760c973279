import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pairsFromRanks, type RankingRecord } from '../../../../kernel/store/preferenceRecord';
import {
  PreferenceStore,
  makeRankingRecord,
  makeRatingRecord,
  parsePreferenceLines,
  rankingsPath,
} from '../../../../kernel/store/preferenceStore';
import { PreferenceStoreError } from '../../../../kernel/store/preferenceStoreError';

const dirs: string[] = [];
function tempStore(): PreferenceStore {
  const dir = mkdtempSync(join(tmpdir(), 'tunebook-prefs-'));
  dirs.push(dir);
  return PreferenceStore.forWorkspace(dir);
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const worker = join(__dirname, 'appendWorker.ts');
function startWorker(file: string, writer: string, count: number, pad = 0) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, file, writer, String(count), String(pad)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged: number[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    acknowledged.push(...lines.map(Number));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, acknowledged, exited, stderr: () => stderr };
}

describe('PreferenceStore', () => {
  it('stores a ranking as one JSONL line with its ranks, derived pairs, timestamp and annotator', () => {
    const store = tempStore();
    assert.match(store.file, /\.tunebook[/\\]rankings\.jsonl$/);
    const record = makeRankingRecord({
      prompt: 'p',
      candidates: ['x', 'y', 'z'],
      ranks: [2, 1, 3],
      annotator: 'ann',
      timestamp: new Date('2026-01-02T03:04:05Z'),
    });
    store.append(record);
    const lines = readFileSync(store.file, 'utf8').split('\n');
    assert.equal(lines.length, 2, 'one line plus the final newline');
    const stored = JSON.parse(lines[0]) as RankingRecord;
    assert.deepEqual(stored.ranks, [2, 1, 3]);
    assert.deepEqual(stored.pairs, [
      [1, 0],
      [1, 2],
      [0, 2],
    ]);
    assert.equal(stored.timestamp, '2026-01-02T03:04:05.000Z');
    assert.equal(stored.annotator, 'ann');
    assert.deepEqual(store.read(), { records: [stored], warnings: [] });
  });

  it('derives no pair from tied ranks', () => {
    assert.deepEqual(pairsFromRanks([1, 1, 2]), [
      [0, 2],
      [1, 2],
    ]);
    assert.deepEqual(pairsFromRanks([1, 1]), []);
  });

  it('rejects an invalid ranking with a specific error and writes nothing', () => {
    const store = tempStore();
    assert.throws(
      () => makeRankingRecord({ prompt: 'p', candidates: ['a', 'b'], ranks: [1], annotator: 'a' }),
      (e: unknown) => e instanceof PreferenceStoreError && /one rank per candidate/.test(e.message),
    );
    assert.throws(
      () => makeRankingRecord({ prompt: 'p', candidates: ['a', 'b'], ranks: [1, 3], annotator: 'a' }),
      /rank 3; ranks go from 1/,
    );
    assert.throws(
      () =>
        store.append({
          ...makeRankingRecord({ prompt: 'p', candidates: ['a', 'b'], ranks: [1, 2], annotator: 'a' }),
          ranks: [1],
        }),
      PreferenceStoreError,
    );
    assert.deepEqual(store.read(), { records: [], warnings: [] });
  });

  it('keeps every record when several processes append at the same time', { timeout: 120_000 }, async () => {
    const store = tempStore();
    const writers = ['w0', 'w1', 'w2', 'w3'].map((w) => startWorker(store.file, w, 150));
    const codes = await Promise.all(writers.map((w) => w.exited));
    assert.deepEqual(codes, [0, 0, 0, 0], writers.map((w) => w.stderr()).join('\n'));
    const { records, warnings } = store.read();
    assert.deepEqual(warnings, []);
    assert.equal(records.length, 600);
    for (const w of ['w0', 'w1', 'w2', 'w3']) {
      const seqs = records.filter((r) => r.annotator === w).map((r) => Number(r.prompt.split('#')[1]));
      assert.deepEqual(
        seqs,
        Array.from({ length: 150 }, (_, i) => i),
        `${w}'s records, in its order`,
      );
    }
  });

  it('a writer SIGKILLed mid-write leaves every earlier line intact and parseable', { timeout: 120_000 }, async () => {
    const store = tempStore();
    // Large records (~2 MB) make it likely that the kill lands inside a write.
    const w = startWorker(store.file, 'killed', 10_000, 2_000_000);
    while (w.acknowledged.length < 3) await new Promise((r) => setTimeout(r, 5));
    w.child.kill('SIGKILL');
    assert.equal(await w.exited, 'SIGKILL');
    const acknowledged = [...w.acknowledged];
    const { records, warnings } = store.read();
    const seqs = records.map((r) => Number(r.prompt.split('#')[1]));
    // Every record whose append returned is there, in order; at most one more got fully written.
    assert.deepEqual(seqs.slice(0, acknowledged.length), acknowledged);
    assert.ok(seqs.length <= acknowledged.length + 1, `${seqs.length} records, ${acknowledged.length} acknowledged`);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => i),
    );
    assert.ok(warnings.length <= 1 && warnings.every((x) => /incomplete/.test(x.message)), JSON.stringify(warnings));
    // The next append is a line of its own, never merged into a torn one.
    store.append(makeRankingRecord({ prompt: 'after', candidates: ['a', 'b'], ranks: [2, 1], annotator: 'next' }));
    const again = store.read();
    assert.equal(again.records.length, records.length + 1);
    assert.equal(again.records.at(-1)?.prompt, 'after');
  });

  it('detects a torn last line, skips it with a warning, and never merges the next record into it', () => {
    const store = tempStore();
    for (let i = 0; i < 3; i++)
      store.append(makeRankingRecord({ prompt: `p${i}`, candidates: ['a', 'b'], ranks: [1, 2], annotator: 'a' }));
    const full = statSync(store.file).size;
    const thirdLineStart = readFileSync(store.file, 'utf8').split('\n').slice(0, 2).join('\n').length + 1;
    truncateSync(store.file, thirdLineStart + 20); // the third record was cut off mid-write
    assert.ok(statSync(store.file).size < full);
    const torn = store.read();
    assert.deepEqual(
      torn.records.map((r) => r.prompt),
      ['p0', 'p1'],
    );
    assert.equal(torn.warnings.length, 1);
    assert.match(torn.warnings[0].message, /line 3 is incomplete/);

    store.append(makeRatingRecord({ prompt: 'q', completion: 'c', rating: 1, annotator: 'a' }));
    const after = store.read();
    assert.deepEqual(
      after.records.map((r) => r.prompt),
      ['p0', 'p1', 'q'],
    );
    assert.equal(after.warnings.length, 1, 'the torn line is still reported');
    assert.match(after.warnings[0].message, /line 3 is not valid JSON/);
  });

  it('reports lines that are JSON but not records, and keeps the rest', () => {
    const store = tempStore();
    store.append(makeRankingRecord({ prompt: 'ok', candidates: ['a', 'b'], ranks: [1, 2], annotator: 'a' }));
    appendFileSync(store.file, '{"v":1,"type":"vote"}\n[1,2]\n');
    const { records, warnings } = store.read();
    assert.equal(records.length, 1);
    assert.deepEqual(
      warnings.map((w) => w.line),
      [2, 3],
    );
    assert.match(warnings[0].message, /"id" must be a string|unknown record type/);
  });

  it('fuzz: any truncation of a valid file yields a prefix of its records and at most one warning', () => {
    const store = tempStore();
    for (let i = 0; i < 8; i++)
      store.append(
        makeRankingRecord({
          prompt: `p${i} ✓ "quoted"\nnewline`,
          candidates: ['α', 'b', 'c'],
          ranks: [3, 1, 1],
          annotator: 'a',
        }),
      );
    const bytes = readFileSync(store.file);
    const all = store.read().records;
    let seed = 7;
    for (let trial = 0; trial < 300; trial++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const cut = seed % (bytes.length + 1);
      const { records, warnings } = parsePreferenceLines(bytes.subarray(0, cut).toString('utf8'));
      assert.deepEqual(records, all.slice(0, records.length), `cut at ${cut}`);
      assert.ok(warnings.length <= 1, `cut at ${cut}`);
      const complete = bytes.subarray(0, cut).toString('utf8').split('\n').length - 1;
      // A cut just before a newline leaves a whole record without its newline: it is kept.
      const wholeLastLine = bytes[cut] === 0x0a ? 1 : 0;
      assert.equal(records.length, complete + wholeLastLine, `cut at ${cut}: every complete line is a record`);
      assert.equal(
        warnings.length,
        cut === 0 || bytes[cut - 1] === 0x0a || wholeLastLine ? 0 : 1,
        `cut at ${cut}: a torn line is reported`,
      );
    }
  });

  it('a missing file reads as empty, and the path lives under .tunebook', () => {
    assert.deepEqual(new PreferenceStore(join(tmpdir(), 'tunebook-none', 'x.jsonl')).read(), {
      records: [],
      warnings: [],
    });
    assert.equal(rankingsPath('/ws'), join('/ws', '.tunebook', 'rankings.jsonl'));
  });
});
