"""Byte-level BPE (GPT-2 style): pre-tokenizer, trainer, encoder/decoder and Hugging Face tokenizer.json export.

Follows the `tokenizers` ByteLevel pre-tokenizer (GPT-2 split pattern, add_prefix_space=false) and BPE model
semantics, written without the `regex` module: the split pattern
    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+
is implemented by the hand-written scanner `split_words`.
"""
import heapq
import unicodedata
from collections import Counter

END_OF_TEXT = "<|endoftext|>"

# Unicode White_Space (what Oniguruma's \s matches in the Rust `tokenizers` crate).
_WHITESPACE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {
    chr(c) for c in range(0x2000, 0x200B)
}
_CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table, in GPT-2's id order (printable bytes first)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    order = printable + [b for b in range(256) if b not in printable]
    return table, order


BYTE_TO_CHAR, BYTE_ORDER = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def _kind(ch):
    if ch in _WHITESPACE:
        return "s"
    cat = unicodedata.category(ch)
    if cat[0] == "L":
        return "L"
    if cat[0] == "N":
        return "N"
    return "P"


def split_words(text):
    """GPT-2 pre-tokenization of `text` (no special tokens inside) into a list of substrings."""
    out = []
    n = len(text)
    kinds = [_kind(c) for c in text]
    i = 0
    while i < n:
        ch = text[i]
        if ch == "'":
            matched = next((c for c in _CONTRACTIONS if text.startswith(c, i + 1)), None)
            if matched is not None:
                out.append(text[i:i + 1 + len(matched)])
                i += 1 + len(matched)
                continue
        start = i
        if ch == " " and i + 1 < n and kinds[i + 1] != "s":
            i += 1  # optional leading space of ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
        k = kinds[i]
        if k != "s":
            j = i
            while j < n and kinds[j] == k:
                j += 1
            out.append(text[start:j])
            i = j
            continue
        j = i
        while j < n and kinds[j] == "s":
            j += 1
        if j < n and j - i >= 2:
            j -= 1  # \s+(?!\S): leave the last space to prefix the next word
        out.append(text[i:j])
        i = j
    return out


def to_byte_chars(word):
    return "".join(BYTE_TO_CHAR[b] for b in word.encode("utf8"))


def train_bpe(texts, vocab_size, min_frequency=2):
    """Learns merges so that 256 byte symbols + merges + <|endoftext|> == vocab_size. Ties break on the pair text."""
    n_merges = vocab_size - 256 - 1
    word_counts = Counter()
    for text in texts:
        for w in split_words(text):
            word_counts[to_byte_chars(w)] += 1
    words = [list(w) for w in sorted(word_counts)]
    counts = [word_counts[w] for w in sorted(word_counts)]

    pair_counts = Counter()
    where = {}
    for idx, (syms, c) in enumerate(zip(words, counts)):
        for pair in zip(syms, syms[1:]):
            pair_counts[pair] += c
            where.setdefault(pair, set()).add(idx)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)

    merges = []
    while len(merges) < n_merges and heap:
        neg, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg:
            continue  # stale entry
        if -neg < min_frequency:
            break
        merges.append(pair)
        merged = pair[0] + pair[1]
        touched = set()
        for idx in sorted(where.pop(pair, ())):
            syms, c = words[idx], counts[idx]
            for p in zip(syms, syms[1:]):
                pair_counts[p] -= c
                touched.add(p)
            new = []
            k = 0
            while k < len(syms):
                if k + 1 < len(syms) and syms[k] == pair[0] and syms[k + 1] == pair[1]:
                    new.append(merged)
                    k += 2
                else:
                    new.append(syms[k])
                    k += 1
            words[idx] = new
            for p in zip(new, new[1:]):
                pair_counts[p] += c
                touched.add(p)
                where.setdefault(p, set()).add(idx)
        pair_counts.pop(pair, None)
        for p in touched:
            if p != pair and pair_counts.get(p, 0) > 0:
                heapq.heappush(heap, (-pair_counts[p], p))
    return merges


class ByteLevelBPE:
    def __init__(self, merges):
        self.merges = list(merges)
        self.ranks = {pair: r for r, pair in enumerate(self.merges)}
        vocab = [BYTE_TO_CHAR[b] for b in BYTE_ORDER] + [a + b for a, b in self.merges] + [END_OF_TEXT]
        self.vocab = {tok: i for i, tok in enumerate(vocab)}
        if len(self.vocab) != len(vocab):
            raise ValueError("duplicate token produced by merges")
        self.id_to_token = vocab
        self.eos_id = self.vocab[END_OF_TEXT]
        self._cache = {}

    @classmethod
    def from_tokenizer_json(cls, obj):
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in obj["model"]["merges"]]
        tok = cls(merges)
        if tok.vocab != obj["model"]["vocab"]:
            raise ValueError("tokenizer.json vocab is not the one its merges produce")
        return tok

    @property
    def vocab_size(self):
        return len(self.id_to_token)

    def _bpe(self, word):
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        syms = list(word)
        while len(syms) > 1:
            best = min(((self.ranks.get(p, 1 << 60), k) for k, p in enumerate(zip(syms, syms[1:]))))
            if best[0] == 1 << 60:
                break
            a, b = syms[best[1]], syms[best[1] + 1]
            new = []
            k = 0
            while k < len(syms):
                if k + 1 < len(syms) and syms[k] == a and syms[k + 1] == b:
                    new.append(a + b)
                    k += 2
                else:
                    new.append(syms[k])
                    k += 1
            syms = new
        ids = [self.vocab[s] for s in syms]
        self._cache[word] = ids
        return ids

    def encode(self, text):
        """Ids for `text`; literal <|endoftext|> becomes the special token, as in `tokenizers`."""
        ids = []
        for i, part in enumerate(text.split(END_OF_TEXT)):
            if i > 0:
                ids.append(self.eos_id)
            for w in split_words(part):
                ids.extend(self._bpe(to_byte_chars(w)))
        return ids

    def decode(self, ids, skip_special_tokens=False):
        pieces, buf = [], []
        for i in ids:
            tok = self.id_to_token[i]
            if tok == END_OF_TEXT:
                pieces.append(bytes(buf).decode("utf8", errors="replace"))
                buf = []
                if not skip_special_tokens:
                    pieces.append(tok)
            else:
                buf.extend(CHAR_TO_BYTE[c] for c in tok)
        pieces.append(bytes(buf).decode("utf8", errors="replace"))
        return "".join(pieces)

    def tokenizer_json(self):
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.eos_id, "content": END_OF_TEXT, "single_word": False, "lstrip": False,
                 "rstrip": False, "normalized": True, "special": True}
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "",
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": dict(self.vocab),
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def tokenizer_config(self, model_max_length):
        return {
            "add_bos_token": False,
            "add_prefix_space": False,
            "added_tokens_decoder": {
                str(self.eos_id): {"content": END_OF_TEXT, "lstrip": False, "normalized": True, "rstrip": False,
                                   "single_word": False, "special": True}
            },
            "bos_token": END_OF_TEXT,
            "clean_up_tokenization_spaces": False,
            "eos_token": END_OF_TEXT,
            "errors": "replace",
            "model_max_length": model_max_length,
            "pad_token": None,
            "tokenizer_class": "GPT2Tokenizer",
            "unk_token": END_OF_TEXT,
        }
