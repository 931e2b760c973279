"""The synthetic in-context mixture: sequences of "Text: <sentence>\\nLabel: <word>" shots joined by blank lines,
where each sequence draws two arbitrary label words and assigns one to each hidden class of the sentences (from
Moby-Dick or from a State of the Union address). The words change from sequence to sequence, so the only way to
predict a label is to read the earlier shots: find the demonstrations whose sentences resemble the query's and copy
their label (an induction-style lookup). The notebook examples/icl.ftnb builds its prompts the same way."""
import re

import numpy as np

MAX_WORDS = 14  # sentences are cut to their first 14 words (9 shots fit in 256 tokens)
MIN_WORDS = 5
TEMPLATE_TEXT = "Text: "
TEMPLATE_LABEL = "\nLabel:"
SEPARATOR = "\n\n"


def sentences(text):
    """Whitespace collapsed, split after . ! ? ;, at least MIN_WORDS words, cut to MAX_WORDS words."""
    flat = re.sub(r"\s+", " ", text).strip()
    out = []
    for s in re.split(r"(?<=[.!?;])\s+", flat):
        words = s.split(" ")
        if len(words) >= MIN_WORDS:
            out.append(" ".join(words[:MAX_WORDS]))
    return out


def label_word_ids(tok):
    """Single-token lowercase words with a leading space (" river"), at least 3 letters: the label pool."""
    return [i for t, i in tok.vocab.items() if re.fullmatch(r"\u0120[a-z]{3,}", t)]


class IclSampler:
    """Draws token sequences of at most `length` tokens and the positions whose next token is a label word."""

    def __init__(self, tok, class_sentences, length, rng):
        self.tok = tok
        self.length = length
        self.rng = rng
        self.words = label_word_ids(tok)
        # Each shot's pieces are encoded separately: every piece boundary is a pre-tokenizer boundary, so the ids
        # equal those of encoding the whole prompt at once (checked in the script's self-test).
        self.first = [[tok.encode(TEMPLATE_TEXT + s + TEMPLATE_LABEL) for s in ss] for ss in class_sentences]
        self.later = [[tok.encode(SEPARATOR + TEMPLATE_TEXT + s + TEMPLATE_LABEL) for s in ss] for ss in class_sentences]

    def sample(self):
        rng = self.rng
        n_classes = len(self.first)
        words = rng.choice(self.words, size=n_classes, replace=False)
        ids, targets = [], []  # targets: (position predicting the label, label id)
        while True:
            c = rng.randint(n_classes)
            pool = self.first[c] if not ids else self.later[c]
            piece = pool[rng.randint(len(pool))]
            if len(ids) + len(piece) + 1 > self.length:
                break
            ids.extend(piece)
            targets.append((len(ids) - 1, int(words[c])))
            ids.append(int(words[c]))
        return ids, targets

    def batch(self, size, pad_id):
        rows, pos = [], []
        for b in range(size):
            ids, targets = self.sample()
            rows.append(ids + [pad_id] * (self.length - len(ids)))
            pos.extend((b, p, t) for p, t in targets)
        return np.array(rows, dtype=np.int64), np.array(pos, dtype=np.int64)  # [B, T], [N, 3]
