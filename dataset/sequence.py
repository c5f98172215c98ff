"""Character-level seq2seq sets (``addition.txt``, ``date.txt``) from the book.

Each line is a question and an answer starting with ``_``. Every file has its
own vocabulary (ids by first occurrence); nothing is shared between calls.
"""
import numpy

from common.text import Vocabulary
from dataset.files import read_text

FILES = {"addition.txt": "dlfs2_seq/addition.txt", "date.txt": "dlfs2_seq/date.txt"}


def _pairs(file_name):
    if file_name not in FILES:
        raise ValueError("unknown sequence file %r; known: %s" % (file_name, ", ".join(FILES)))
    pairs = []
    for line in read_text(FILES[file_name]).split("\n"):
        if not line:
            continue
        idx = line.find("_")
        pairs.append((line[:idx], line[idx:]))
    return pairs


def vocabulary(file_name="addition.txt"):
    """The characters of one file, ids in order of first occurrence."""
    return Vocabulary.from_tokens(ch for q, a in _pairs(file_name) for ch in q + a)


def get_vocab(file_name="addition.txt"):
    """(char_to_id, id_to_char) of one file (the book's interface)."""
    vocab = vocabulary(file_name)
    return vocab.word_to_id, vocab.id_to_word


def load_data(file_name="addition.txt", seed=1984, test_ratio=0.1):
    """((x_train, t_train), (x_test, t_test)) as int32 id matrices, shuffled with ``seed``."""
    pairs = _pairs(file_name)
    char_to_id, _ = get_vocab(file_name)
    x = numpy.array([[char_to_id[c] for c in q] for q, _ in pairs], dtype=numpy.int32)
    t = numpy.array([[char_to_id[c] for c in a] for _, a in pairs], dtype=numpy.int32)
    indices = numpy.arange(len(x))
    numpy.random.RandomState(seed).shuffle(indices)
    x, t = x[indices], t[indices]
    split = len(x) - int(len(x) * test_ratio)
    return (x[:split], t[:split]), (x[split:], t[split:])
