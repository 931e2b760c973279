import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodePreference, encodeSft, IGNORE_INDEX } from '../../../../../kernel/engine/data/encode/causalLm';
import { encodeText } from '../../../../../kernel/engine/data/encode/classification';
import { specialTokenFrame } from '../../../../../kernel/engine/data/encode/specialTokens';
import { resolvePadTokenId, type TokenizerLike } from '../../../../../kernel/engine/data/tokenizerLike';
import { bertLike, gpt2Like, llamaLike, wordId } from './tinyTokenizers';

const bert = bertLike(); // [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3, words from 4
const llama = llamaLike(); // <pad>=0 <unk>=1 <s>=2 </s>=3, words from 4
const gpt2 = gpt2Like(); // <|endoftext|>=0 <unk>=1, words from 2
const B = (w: string) => wordId(w, 4);
const G = (w: string) => wordId(w, 2);
const X = IGNORE_INDEX;

test('special-token frames are found for encoder, Llama and GPT-2 style tokenizers', () => {
  assert.deepEqual(specialTokenFrame(bert), { prefix: [2], suffix: [3] });
  assert.deepEqual(specialTokenFrame(llama), { prefix: [2], suffix: [] });
  assert.deepEqual(specialTokenFrame(gpt2), { prefix: [], suffix: [] });
});

test('classification text is truncated at the end but keeps [CLS] and [SEP]', () => {
  assert.deepEqual(encodeText(bert, 'the cat sat on the mat'), [
    2,
    B('the'),
    B('cat'),
    B('sat'),
    B('on'),
    B('the'),
    B('mat'),
    3,
  ]);
  assert.deepEqual(encodeText(bert, 'the cat sat on the mat', { maxLength: 5 }), [2, B('the'), B('cat'), B('sat'), 3]);
  assert.deepEqual(encodeText(bert, 'the cat', { maxLength: 5 }), [2, B('the'), B('cat'), 3]);
  assert.deepEqual(encodeText(bert, 'the cat sat', { maxLength: 2, addSpecialTokens: false }), [B('the'), B('cat')]);
  assert.deepEqual(encodeText(gpt2, 'the cat sat', { maxLength: 2 }), [G('the'), G('cat')]);
  assert.throws(() => encodeText(bert, 'the', { maxLength: 2 }), /maxLength must be an integer >= 3/);
});

test('a tokenizer whose frame cannot be probed falls back to plain truncation', () => {
  const odd: TokenizerLike = { encode: (text, o) => (o?.addSpecialTokens === false ? [text.length] : [7, 8, 9, 10]) };
  assert.equal(specialTokenFrame(odd), undefined);
  assert.deepEqual(encodeText(odd, 'abc', { maxLength: 3 }), [7, 8, 9]);
});

test('SFT: labels are -100 on BOS + prompt and the completion ids (with EOS) after', () => {
  const example = encodeSft(llama, 'q why', 'because yes');
  assert.deepEqual(example.inputIds, [2, B('q'), B('why'), B('because'), B('yes'), 3]);
  assert.deepEqual(example.labels, [X, X, X, B('because'), B('yes'), 3]);
  const noEos = encodeSft(gpt2, 'q', 'ans', { addEos: false });
  assert.deepEqual(noEos, { inputIds: [G('q'), G('ans')], labels: [X, G('ans')] });
  const gptEos = encodeSft(gpt2, 'q', 'ans');
  assert.deepEqual(gptEos.labels, [X, G('ans'), 0]);
});

test('SFT truncation drops the start of the prompt first and keeps the whole completion', () => {
  const example = encodeSft(llama, 'the cat sat on the mat', 'yes', { maxLength: 5 });
  assert.deepEqual(example.inputIds, [2, B('the'), B('mat'), B('yes'), 3]);
  assert.deepEqual(example.labels, [X, X, X, B('yes'), 3]);
  const longCompletion = encodeSft(llama, 'q', 'a dog ran on the mat', { maxLength: 4 });
  assert.deepEqual(
    longCompletion.inputIds,
    [2, B('a'), B('dog'), B('ran')],
    'prompt dropped, completion cut at its end',
  );
  assert.deepEqual(longCompletion.labels, [X, B('a'), B('dog'), B('ran')]);
  for (const maxLength of [2, 3, 6, 9, 20]) {
    const e = encodeSft(llama, 'the cat sat on the mat', 'a dog ran', { maxLength });
    assert.ok(e.inputIds.length <= maxLength);
    assert.equal(e.inputIds.length, e.labels.length);
    assert.equal(e.inputIds[0], 2, 'BOS kept');
  }
  assert.throws(() => encodeSft(llama, 'q', 'a', { maxLength: 1 }), /maxLength must be an integer >= 2/);
});

test('preference pairs share the prompt; labels only on each response', () => {
  const pair = encodePreference(llama, 'q why', 'because', 'no');
  assert.equal(pair.promptLength, 3);
  assert.deepEqual(pair.chosen, {
    inputIds: [2, B('q'), B('why'), B('because'), 3],
    labels: [X, X, X, B('because'), 3],
  });
  assert.deepEqual(pair.rejected, { inputIds: [2, B('q'), B('why'), B('no'), 3], labels: [X, X, X, B('no'), 3] });
});

test('preference truncation: prompt cut from the left, keeping at least half the room; then responses cut', () => {
  const fitsAfterPromptCut = encodePreference(llama, 'the cat sat on the mat', 'yes', 'no because', { maxLength: 7 });
  assert.deepEqual(fitsAfterPromptCut.chosen.inputIds, [2, B('on'), B('the'), B('mat'), B('yes'), 3]);
  assert.deepEqual(fitsAfterPromptCut.rejected.inputIds, [2, B('on'), B('the'), B('mat'), B('no'), B('because'), 3]);
  const longResponses = encodePreference(llama, 'the cat sat on the mat', 'a dog ran on the mat', 'no', {
    maxLength: 9,
  });
  assert.equal(longResponses.promptLength, 1 + 4, 'prompt keeps floor(8 / 2) tokens');
  assert.deepEqual(longResponses.chosen.inputIds, [
    2,
    B('sat'),
    B('on'),
    B('the'),
    B('mat'),
    B('a'),
    B('dog'),
    B('ran'),
    B('on'),
  ]);
  assert.deepEqual(longResponses.rejected.inputIds, [2, B('sat'), B('on'), B('the'), B('mat'), B('no'), 3]);
  const capped = encodePreference(llama, 'the cat sat on the mat', 'yes', 'no', { maxPromptLength: 2 });
  assert.equal(capped.promptLength, 3);
  assert.deepEqual(capped.chosen.labels, [X, X, X, B('yes'), 3]);
});

test('pad id: the pad token, else EOS, else an explicit one', () => {
  assert.equal(resolvePadTokenId(bert), 0);
  assert.equal(resolvePadTokenId(gpt2), 0);
  assert.equal(resolvePadTokenId(bert, 5), 5);
  assert.throws(() => resolvePadTokenId({}), /neither a pad nor an EOS token/);
});
