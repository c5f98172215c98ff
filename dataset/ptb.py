"""Penn Treebank (Mikolov's 10k-word version): ``load_data('train' | 'valid' | 'test')``.

Each line ends with ``<eos>``; the vocabulary (10,000 ids, first-occurrence
order) is built from the training split only, so all splits share ids.
"""
import functools

import numpy

from dataset.files import read_text

SPLITS = {"train": "train", "valid": "valid", "val": "valid", "test": "test"}


def _tokens(split):
    if split not in SPLITS:
        raise ValueError("unknown PTB split %r; use one of 'train', 'valid', 'test'" % split)
    return read_text("ptb/ptb.%s.txt" % SPLITS[split]).replace("\n", "<eos>").strip().split()


@functools.lru_cache(maxsize=1)
def load_vocab():
    """(word_to_id, id_to_word) built from the training split."""
    word_to_id = {}
    for w in _tokens("train"):
        if w not in word_to_id:
            word_to_id[w] = len(word_to_id)
    return word_to_id, {i: w for w, i in word_to_id.items()}


def load_data(data_type="train"):
    """(corpus int32 (n,), word_to_id, id_to_word) for one split."""
    word_to_id, id_to_word = load_vocab()
    corpus = numpy.array([word_to_id[w] for w in _tokens(data_type)], dtype=numpy.int32)
    return corpus, word_to_id, id_to_word
