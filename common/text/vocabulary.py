"""The one vocabulary: words <-> ids, used by every loader, script and checkpoint."""
import hashlib
from collections import Counter

import numpy


class UnknownWordError(KeyError):
    """A word is not in the vocabulary."""

    def __init__(self, word):
        super().__init__(word)
        self.word = word

    def __str__(self):
        return "%r is not in the vocabulary" % self.word


def word_id(word, word_to_id):
    """``word_to_id[word]``, or an ``UnknownWordError`` that names the word."""
    try:
        return word_to_id[word]
    except KeyError:
        raise UnknownWordError(word) from None


class Vocabulary:
    """An ordered list of distinct words; a word's id is its position.

    ``Vocabulary.from_tokens`` builds one from text: in order of first occurrence (the
    book's PTB ids) or by decreasing count (ties by first occurrence), optionally with
    special words first (``<pad>`` at id 0, ``<unk>``), a minimum count and a maximum size.
    With ``unk`` set, ``encode`` maps unknown words to it; otherwise they raise
    ``UnknownWordError``. ``word_to_id`` and ``id_to_word`` are the book's two dicts.
    """

    def __init__(self, words, unk=None):
        self.words = list(words)
        self.word_to_id = {w: i for i, w in enumerate(self.words)}
        if len(self.word_to_id) != len(self.words):
            raise ValueError("a vocabulary's words must be distinct")
        if unk is not None and unk not in self.word_to_id:
            raise ValueError("the unknown-word token %r is not among the words" % unk)
        self.unk = unk
        self.id_to_word = dict(enumerate(self.words))

    @classmethod
    def from_tokens(cls, tokens, order="first", min_freq=1, max_size=None, specials=(), unk=None):
        """tokens: an iterable of words, or of token lists (documents, sentences)."""
        tokens = list(tokens)
        if tokens and isinstance(tokens[0], (list, tuple)):
            tokens = [t for doc in tokens for t in doc]
        counts = Counter(tokens)
        if order == "first":
            words = list(dict.fromkeys(tokens))
        elif order == "frequency":
            words = [w for w, _ in counts.most_common()]        # ties keep first-occurrence order
        else:
            raise ValueError("order must be 'first' or 'frequency', got %r" % order)
        words = [w for w in words if counts[w] >= min_freq and w not in specials]
        words = list(specials) + words
        return cls(words[:max_size] if max_size else words, unk=unk)

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.word_to_id

    def __getitem__(self, word):
        return word_id(word, self.word_to_id)

    def encode(self, tokens):
        """int32 ids of ``tokens`` (unknown words become ``unk``, or raise without it)."""
        if self.unk is None:
            return numpy.array([word_id(t, self.word_to_id) for t in tokens], dtype=numpy.int32)
        unk = self.word_to_id[self.unk]
        return numpy.array([self.word_to_id.get(t, unk) for t in tokens], dtype=numpy.int32)

    def decode(self, ids):
        return [self.words[int(i)] for i in ids]

    def pad_batch(self, token_lists, max_len=None, pad_id=0):
        """Right-padded ids (N, T) int32 and the true lengths (N,); sequences longer than max_len are cut."""
        seqs = [self.encode(t[:max_len] if max_len else t) for t in token_lists]
        lengths = numpy.array([max(1, len(s)) for s in seqs], dtype=numpy.int64)
        out = numpy.full((len(seqs), int(lengths.max())), pad_id, dtype=numpy.int32)
        for i, s in enumerate(seqs):
            out[i, :len(s)] = s
        return out, lengths

    def sha256(self):
        """A fingerprint of the words in id order (stored in checkpoints)."""
        return hashlib.sha256("\n".join(self.words).encode("utf-8")).hexdigest()
