// The LanceDB-backed vector index: chunks are stored with text and metadata, search returns the top-k chunks by
// cosine similarity of `embed` vectors (checked against cosines computed here), and a new process opening the
// same folder gets the same results.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../../../../../kernel/engine/models/create';
import { embed } from '../../../../../kernel/engine/features/embed';
import { createIndex, openIndex } from '../../../../../kernel/engine/vectorIndex/vectorIndex';
import { VectorIndexError } from '../../../../../kernel/engine/vectorIndex/vectorIndexError';
import { gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from '../train/trainerFakes';

before(useTestBackend);
const scratch = mkdtempSync(join(tmpdir(), 'tunebook-index-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const SEED = 13;

function tinyModel(seed = SEED) {
  const model = create(TINY_GPT2, { seed });
  model.tokenizer = gpt2Like();
  return model;
}

const docs = [
  { id: 'cats', text: 'the cat sat on the mat . a cat is good', metadata: { source: 'cats.md' } },
  { id: 'dogs', text: 'a dog ran . the dog is bad . why dog ran', metadata: { source: 'dogs.md', n: 2 } },
  'yes no yes no because why',
];

test('search returns the top-k chunks by cosine similarity with text and metadata; results survive a new process', async () => {
  const model = tinyModel();
  const dir = join(scratch, 'idx');
  const index = await createIndex(dir, { model, pooling: 'mean', chunk: { by: 'tokens', size: 4, overlap: 1 } });
  const before = tf.memory().numTensors;
  const added = await index.add(docs);
  assert.equal(added, 4 + 4 + 2, 'token windows of 4 with stride 3 over 11, 11 and 6 tokens');
  assert.equal(await index.count(), added);

  const query = 'the dog is bad';
  const hits = await index.search(query, 3);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(hits.length, 3);
  const [q] = await embed(model, [query], { pooling: 'mean', normalize: true });
  const vectors = await embed(
    model,
    hits.map((h) => h.text),
    { pooling: 'mean', normalize: true },
  );
  hits.forEach((h, i) => {
    const cosine = q.reduce((s, x, j) => s + x * vectors[i][j], 0);
    assert.ok(Math.abs(h.score - cosine) < 1e-4, `hit ${i}: ${h.score} vs ${cosine}`);
    if (i > 0) assert.ok(hits[i - 1].score >= h.score, 'best first');
  });
  const byDoc = hits.find((h) => h.docId === 'dogs');
  if (byDoc) assert.deepEqual(byDoc.metadata, { source: 'dogs.md', n: 2 });

  // An exact chunk text is its own best hit.
  const exact = await index.search('why dog ran', 1);
  assert.equal(exact[0].text, 'why dog ran');
  assert.equal(exact[0].docId, 'dogs');
  assert.ok(exact[0].score > 0.9999);
  assert.equal((await index.search('because', 1))[0].docId, 'doc-2');
  index.close();

  const child = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'indexChild.ts'), dir, query, '3'], {
    env: { ...process.env, INDEX_MODEL_SEED: String(SEED), TUNEBOOK_BACKEND: 'cpu' },
    encoding: 'utf8',
  });
  const reopened = JSON.parse(child) as { hits: typeof hits };
  assert.deepEqual(
    reopened.hits.map((h) => [h.docId, h.chunk, h.text]),
    hits.map((h) => [h.docId, h.chunk, h.text]),
  );
  reopened.hits.forEach((h, i) => assert.ok(Math.abs(h.score - hits[i].score) < 1e-6));

  const again = await openIndex(dir, { model });
  assert.equal(await again.add(['good cat']), 1);
  assert.equal((await again.search('good cat', 1))[0].text, 'good cat');
  again.close();
});

test('opening with another model, creating over an index, and bad documents give specific errors', async () => {
  const dir = join(scratch, 'guarded');
  const index = await createIndex(dir, { model: tinyModel(), chunk: { by: 'characters', size: 20, overlap: 5 } });
  await index.add(['the cat sat on the mat and the dog ran']);
  await assert.rejects(index.add([{ text: 3 } as never]), /docs\[0\] must be a string/);
  await assert.rejects(index.search('', 2), /non-empty string/);
  index.close();
  await assert.rejects(
    openIndex(dir, { model: tinyModel(SEED + 1) }),
    (e: unknown) => e instanceof VectorIndexError && /another model/.test(e.message),
  );
  await assert.rejects(createIndex(dir, { model: tinyModel() }), /already exists/);
  await assert.rejects(openIndex(join(scratch, 'missing'), { model: tinyModel() }), /no readable tunebook-index.json/);
  const replaced = await createIndex(dir, { model: tinyModel(), overwrite: true });
  assert.equal(await replaced.count(), 0);
  replaced.close();
});
