"""Character-level seq2seq sets (``addition.txt``, ``date.txt``) from the book.

Each line is a question and an answer starting with ``_``. Every file has its
own vocabulary (ids by first occurrence). As in the book, ``load_data`` also fills the
module's ``char_to_id`` / ``id_to_char`` dicts, which ``get_vocab()`` returns: the
vocabulary of the file loaded last (the book's dicts keep growing when a second file is
loaded; here they hold the last file's characters only).
"""
import numpy

from common.text import Vocabulary
from dataset.files import read_text

FILES = {"addition.txt": "dlfs2_seq/addition.txt", "date.txt": "dlfs2_seq/date.txt"}

char_to_id = {}     # the vocabulary of the file loaded last (the book's module-level dicts)
id_to_char = {}


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


def get_vocab(file_name=None):
    """(char_to_id, id_to_char) of ``file_name``; without it, of the file ``load_data`` read last
    (the book's ``get_vocab()``)."""
    if file_name is None:
        if not char_to_id:
            raise RuntimeError("get_vocab() without a file name returns the vocabulary of the last "
                               "load_data call, and nothing has been loaded yet: call load_data first, "
                               "or get_vocab('addition.txt')")
        return char_to_id, id_to_char
    vocab = vocabulary(file_name)
    return vocab.word_to_id, vocab.id_to_word


def load_data(file_name="addition.txt", seed=1984, test_ratio=0.1):
    """((x_train, t_train), (x_test, t_test)) as int32 id matrices, shuffled with ``seed``."""
    pairs = _pairs(file_name)
    chars, ids = get_vocab(file_name)
    char_to_id.clear()
    char_to_id.update(chars)
    id_to_char.clear()
    id_to_char.update(ids)
    x = numpy.array([[chars[c] for c in q] for q, _ in pairs], dtype=numpy.int32)
    t = numpy.array([[chars[c] for c in a] for _, a in pairs], dtype=numpy.int32)
    indices = numpy.arange(len(x))
    numpy.random.RandomState(seed).shuffle(indices)
    x, t = x[indices], t[indices]
    split = len(x) - int(len(x) * test_ratio)
    return (x[:split], t[:split]), (x[split:], t[split:])
