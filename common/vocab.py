"""A word vocabulary with padding, unknown words and a minimum count, and id encoding."""
from collections import Counter

import numpy

PAD, UNK = "<pad>", "<unk>"


class Vocab:
    """Ids: 0 is ``<pad>``, 1 is ``<unk>``, then words by decreasing count (ties by first use)."""

    def __init__(self, token_lists, min_freq=1, max_size=None):
        counts = Counter(t for tokens in token_lists for t in tokens)
        words = [w for w, c in counts.most_common() if c >= min_freq and w not in (PAD, UNK)]
        if max_size:
            words = words[:max_size - 2]
        self.id_to_word = [PAD, UNK] + words
        self.word_to_id = {w: i for i, w in enumerate(self.id_to_word)}

    def __len__(self):
        return len(self.id_to_word)

    def encode(self, tokens):
        unk = self.word_to_id[UNK]
        return [self.word_to_id.get(t, unk) for t in tokens]

    def pad_batch(self, token_lists, max_len=None):
        """Right-padded ids (N, T) int32 and the true lengths (N,); long sequences are cut."""
        seqs = [self.encode(t)[:max_len] if max_len else self.encode(t) for t in token_lists]
        lengths = numpy.array([max(1, len(s)) for s in seqs], dtype=numpy.int64)
        out = numpy.zeros((len(seqs), int(lengths.max())), dtype=numpy.int32)
        for i, s in enumerate(seqs):
            out[i, :len(s)] = s
        return out, lengths
