// Chunking by characters, tokens and sentences, with overlap; and the retrieval-augmented prompt.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { chunkText, splitSentences } from '../../../../../kernel/engine/vectorIndex/chunk';
import { ragPrompt } from '../../../../../kernel/engine/vectorIndex/ragPrompt';
import { gpt2Like } from '../data/tinyTokenizers';

test('character windows overlap by the requested amount and cover the text', () => {
  assert.deepEqual(chunkText('abcdefghij', { by: 'characters', size: 4, overlap: 1 }), ['abcd', 'defg', 'ghij']);
  assert.deepEqual(chunkText('abcdefghijk', { by: 'characters', size: 4, overlap: 1 }), ['abcd', 'defg', 'ghij', 'jk']);
  assert.deepEqual(chunkText('abc', { by: 'characters', size: 10 }), ['abc']);
  assert.deepEqual(chunkText('   ', { by: 'characters', size: 10 }), []);
});

test('token windows hold at most size tokens and share overlap tokens', () => {
  const tok = gpt2Like();
  const chunks = chunkText('the cat sat on the mat a dog ran', { by: 'tokens', size: 4, overlap: 2 }, tok);
  assert.deepEqual(chunks, ['the cat sat on', 'sat on the mat', 'the mat a dog', 'a dog ran']);
  assert.throws(() => chunkText('x', { by: 'tokens', size: 4 }), /needs a model with a tokenizer/);
});

test('sentence chunks group whole sentences up to size characters, repeating overlap sentences', () => {
  const text = 'One two. Three four five! Six? Seven eight nine ten eleven.';
  assert.deepEqual(splitSentences(text), ['One two.', 'Three four five!', 'Six?', 'Seven eight nine ten eleven.']);
  assert.deepEqual(chunkText(text, { by: 'sentences', size: 30 }), [
    'One two. Three four five! Six?',
    'Seven eight nine ten eleven.',
  ]);
  assert.deepEqual(chunkText(text, { by: 'sentences', size: 34, overlap: 1 }), [
    'One two. Three four five! Six?',
    'Six? Seven eight nine ten eleven.',
  ]);
  assert.deepEqual(
    chunkText(text, { by: 'sentences', size: 30, overlap: 1 }),
    ['One two. Three four five! Six?', 'Seven eight nine ten eleven.'],
    'overlap shrinks to fit',
  );
  assert.deepEqual(chunkText('no end mark', { by: 'sentences', size: 3 }), ['no end mark']);
});

test('bad chunk options are refused with the reason', () => {
  assert.throws(() => chunkText('a', { by: 'words' as never, size: 3 }), /chunk.by must be/);
  assert.throws(() => chunkText('a', { by: 'characters', size: 0 }), /chunk.size/);
  assert.throws(() => chunkText('a', { by: 'characters', size: 3, overlap: 3 }), /smaller than chunk.size/);
});

test('ragPrompt numbers the hits into the context slot and keeps slot-like text in the question as written', () => {
  const hits = [{ text: 'cats sit on mats' }, { text: 'dogs run' }];
  assert.equal(
    ragPrompt('who sits?', hits, 'C:\n{context}\nQ: {question}'),
    'C:\n[1] cats sit on mats\n[2] dogs run\nQ: who sits?',
  );
  assert.equal(ragPrompt('what is {context}?', [], '{context}|{question}'), '|what is {context}?');
  assert.match(ragPrompt('q', hits), /Context:\n\[1\] cats sit on mats/);
  assert.throws(() => ragPrompt('q', hits, 'no slots'), /\{context\} and \{question\}/);
});

test('fuzz: character windows rebuild the text, sentence chunks keep every sentence and respect size when they can', () => {
  let state = 12345;
  const next = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
  const alphabet = 'ab .!?\n';
  for (let round = 0; round < 300; round++) {
    const text = Array.from({ length: 1 + next(80) }, () => alphabet[next(alphabet.length)]).join('');
    const size = 1 + next(12);
    const overlap = next(size);
    const windows = chunkText(text, { by: 'characters', size, overlap });
    if (text.trim() === '') {
      assert.deepEqual(windows, []);
      continue;
    }
    const rebuilt = windows.map((w, i) => (i === 0 ? w : w.slice(overlap))).join('');
    assert.equal(rebuilt, text, `round ${round}`);
    assert.ok(windows.every((w) => w.length <= size));
    const sentences = splitSentences(text);
    const chunks = chunkText(text, { by: 'sentences', size: size * 3, overlap: next(3) });
    for (const s of sentences)
      assert.ok(
        chunks.some((c) => c.includes(s)),
        `sentence ${JSON.stringify(s)} kept`,
      );
    for (const c of chunks)
      assert.ok(
        c.length <= size * 3 || sentences.includes(c),
        `only a lone long sentence may exceed size: ${JSON.stringify(c)}`,
      );
  }
});
