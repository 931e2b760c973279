// Tiny hand-written tokenizer.json files for the data tests, loaded through the real Tokenizer class.
// Every whitespace-separated word of WORDS is one token; anything else is [UNK]/<unk>.
import { Tokenizer } from '../../../../../kernel/engine/io/tokenizer';

export const WORDS = [
  'the',
  'cat',
  'sat',
  'on',
  'mat',
  'a',
  'dog',
  'ran',
  'is',
  'good',
  'bad',
  'q',
  'ans',
  'yes',
  'no',
  'why',
  'because',
];

function added(id: number, content: string) {
  return { id, content, special: true, normalized: false, lstrip: false, rstrip: false, single_word: false };
}

function wordPiece(specials: string[], unk: string, postProcessor: object | null) {
  const vocab: Record<string, number> = {};
  specials.forEach((token, id) => (vocab[token] = id));
  WORDS.forEach((word, i) => (vocab[word] = specials.length + i));
  return {
    version: '1.0',
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: postProcessor,
    added_tokens: specials.map((token, id) => added(id, token)),
    model: { type: 'WordPiece', unk_token: unk, continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** Encoder style: [CLS] text [SEP], pad [PAD]=0. */
export function bertLike(): Tokenizer {
  const json = wordPiece(['[PAD]', '[UNK]', '[CLS]', '[SEP]'], '[UNK]', {
    type: 'TemplateProcessing',
    single: [
      { SpecialToken: { id: '[CLS]', type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: '[SEP]', type_id: 0 } },
    ],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: {
      '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
      '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
    },
  });
  return Tokenizer.fromJson(json, { cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' });
}

/** Llama style: <s> text, EOS </s>, pad <pad>=0. */
export function llamaLike(): Tokenizer {
  const json = wordPiece(['<pad>', '<unk>', '<s>', '</s>'], '<unk>', {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<s>': { id: '<s>', ids: [2], tokens: ['<s>'] } },
  });
  return Tokenizer.fromJson(json, { bos_token: '<s>', eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' });
}

/** GPT-2 style: no special tokens added, EOS <|endoftext|>=0 doubles as pad (no pad token). */
export function gpt2Like(): Tokenizer {
  const json = wordPiece(['<|endoftext|>', '<unk>'], '<unk>', null);
  return Tokenizer.fromJson(json, { bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<unk>' });
}

/** Token id of a word in WORDS for a tokenizer with `specials` leading special tokens. */
export function wordId(word: string, specials: number): number {
  const i = WORDS.indexOf(word);
  if (i < 0) throw new Error(`test word ${word} is not in the tiny vocabulary`);
  return specials + i;
}
