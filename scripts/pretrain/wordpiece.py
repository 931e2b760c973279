"""Uncased WordPiece (BERT style): normalizer, pre-tokenizer, trainer, encoder and tokenizer.json export.

Mirrors the `tokenizers` BertNormalizer(clean_text, handle_chinese_chars, lowercase, strip_accents=None),
BertPreTokenizer and WordPiece model (greedy longest-match-first, `##` continuation, whole word -> [UNK] when a
piece is missing). Training is BPE over `##`-prefixed symbols, as the `tokenizers` WordPieceTrainer does.
"""
import heapq
import re
import string
import unicodedata
from collections import Counter

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PREFIX = "##"
MAX_CHARS_PER_WORD = 100
_SPECIAL_SPLIT = re.compile("(" + "|".join(re.escape(t) for t in SPECIALS) + ")")
_ASCII_PUNCT = set(string.punctuation)


def _is_whitespace(ch):
    return ch in "\t\n\r" or ch.isspace() and unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc")


def _is_control(ch):
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _is_punct(ch):
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P")


def normalize(text):
    out = []
    for ch in text:
        if ch in ("\0", "\ufffd") or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(ord(ch)):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = unicodedata.normalize("NFD", "".join(out))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def pre_tokenize(text):
    words, cur = [], []
    for ch in text:
        if ch.isspace():
            if cur:
                words.append("".join(cur))
                cur = []
        elif _is_punct(ch):
            if cur:
                words.append("".join(cur))
                cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    return words


def train_wordpiece(weighted_texts, vocab_size, min_frequency=2, alphabet_min_count=5):
    """weighted_texts: iterable of (text, integer weight); a word's count is its occurrences times the weight."""
    word_counts = Counter()
    for text, weight in weighted_texts:
        for w, c in Counter(pre_tokenize(normalize(text))).items():
            word_counts[w] += c * weight
    char_counts = Counter()
    for w, c in word_counts.items():
        for ch in w:
            char_counts[ch] += c
    alphabet = sorted(ch for ch, c in char_counts.items() if c >= alphabet_min_count)
    vocab = list(SPECIALS)
    vocab += alphabet
    vocab += [PREFIX + ch for ch in alphabet]
    known = set(vocab)

    words, counts = [], []
    for w in sorted(word_counts):
        if len(w) > MAX_CHARS_PER_WORD or any(ch not in char_counts or char_counts[ch] < alphabet_min_count for ch in w):
            continue
        words.append([w[0]] + [PREFIX + ch for ch in w[1:]])
        counts.append(word_counts[w])

    pair_counts = Counter()
    where = {}
    for idx, (syms, c) in enumerate(zip(words, counts)):
        for pair in zip(syms, syms[1:]):
            pair_counts[pair] += c
            where.setdefault(pair, set()).add(idx)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    while len(vocab) < vocab_size and heap:
        neg, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg:
            continue
        if -neg < min_frequency:
            break
        merged = pair[0] + pair[1][len(PREFIX):]
        if merged not in known:
            vocab.append(merged)
            known.add(merged)
        touched = set()
        for idx in sorted(where.pop(pair, ())):
            syms, c = words[idx], counts[idx]
            for p in zip(syms, syms[1:]):
                pair_counts[p] -= c
                touched.add(p)
            new, k = [], 0
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
    return vocab


class WordPiece:
    def __init__(self, vocab):
        self.id_to_token = list(vocab)
        self.vocab = {t: i for i, t in enumerate(self.id_to_token)}
        self.pad_id, self.unk_id, self.cls_id, self.sep_id, self.mask_id = (self.vocab[s] for s in SPECIALS)
        self._cache = {}

    @classmethod
    def from_tokenizer_json(cls, obj):
        vocab = obj["model"]["vocab"]
        return cls(sorted(vocab, key=vocab.get))

    @property
    def vocab_size(self):
        return len(self.id_to_token)

    def _word_ids(self, word):
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if len(word) > MAX_CHARS_PER_WORD:
            return [self.unk_id]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else PREFIX + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                ids = [self.unk_id]
                break
            ids.append(found)
            start = end
        self._cache[word] = ids
        return ids

    def encode(self, text, add_special_tokens=True):
        """Special tokens written literally in `text` (e.g. "[MASK]") are matched before normalization."""
        ids = []
        for part in _SPECIAL_SPLIT.split(text):
            if part in self.vocab and part in SPECIALS:
                ids.append(self.vocab[part])
                continue
            for w in pre_tokenize(normalize(part)):
                ids.extend(self._word_ids(w))
        return [self.cls_id] + ids + [self.sep_id] if add_special_tokens else ids

    def decode(self, ids, skip_special_tokens=True):
        toks = [self.id_to_token[i] for i in ids if not (skip_special_tokens and self.id_to_token[i] in SPECIALS)]
        text = " ".join(toks).replace(" " + PREFIX, "")
        for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                     (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
            text = text.replace(a, b)
        return text

    def tokenizer_json(self):
        def special(tok, type_id=0):
            return {"SpecialToken": {"id": tok, "type_id": type_id}}

        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True}
                for s in SPECIALS
            ],
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [special("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, special("[SEP]")],
                "pair": [special("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, special("[SEP]"),
                         {"Sequence": {"id": "B", "type_id": 1}}, special("[SEP]", 1)],
                "special_tokens": {
                    s: {"id": s, "ids": [self.vocab[s]], "tokens": [s]} for s in ("[CLS]", "[SEP]")
                },
            },
            "decoder": {"type": "WordPiece", "prefix": PREFIX, "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": PREFIX,
                      "max_input_chars_per_word": MAX_CHARS_PER_WORD, "vocab": dict(self.vocab)},
        }

    def tokenizer_config(self, model_max_length):
        return {
            "added_tokens_decoder": {
                str(self.vocab[s]): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                     "single_word": False, "special": True}
                for s in SPECIALS
            },
            "clean_up_tokenization_spaces": True,
            "cls_token": "[CLS]",
            "do_lower_case": True,
            "mask_token": "[MASK]",
            "model_max_length": model_max_length,
            "pad_token": "[PAD]",
            "sep_token": "[SEP]",
            "strip_accents": None,
            "tokenize_chinese_chars": True,
            "tokenizer_class": "DistilBertTokenizer",
            "unk_token": "[UNK]",
        }
