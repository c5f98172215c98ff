"""Penn Treebank (Mikolov's 10k-word version): ``load_data('train' | 'valid' | 'test')``.

Each line ends with ``<eos>``; the vocabulary (10,000 ids, first-occurrence
order) is built from the training split only, so all splits share ids.
"""
import functools

from common.text import Vocabulary
from dataset.files import read_text

SPLITS = {"train": "train", "valid": "valid", "val": "valid", "test": "test"}


def _tokens(split):
    if split not in SPLITS:
        raise ValueError("unknown PTB split %r; use one of 'train', 'valid', 'test'" % split)
    return read_text("ptb/ptb.%s.txt" % SPLITS[split]).replace("\n", "<eos>").strip().split()


@functools.lru_cache(maxsize=1)
def vocabulary():
    """The Vocabulary of the training split (10,000 words, first-occurrence order)."""
    return Vocabulary.from_tokens(_tokens("train"))


def load_vocab():
    """(word_to_id, id_to_word) built from the training split."""
    vocab = vocabulary()
    return vocab.word_to_id, vocab.id_to_word


def load_data(data_type="train"):
    """(corpus int32 (n,), word_to_id, id_to_word) for one split."""
    vocab = vocabulary()
    return vocab.encode(_tokens(data_type)), vocab.word_to_id, vocab.id_to_word
